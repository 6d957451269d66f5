"""Double clicks and retries arriving at the same moment change nothing wrongly (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from courses import services
from courses.models import Enrollment, LessonProgress
from tests.factories import UserFactory, course_tree, lessons_of

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, count=8):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait()
            target()
        except Exception as error:  # collected and reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def setup():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writes are tested against PostgreSQL (`make test`)")
    return UserFactory(role="candidate"), course_tree()


def test_simultaneous_enrolments_make_one(setup):
    user, course = setup
    assert _race(lambda: services.enrollment_create(user=user, course=course)) == []
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_simultaneous_completions_make_one_and_finish_the_course_once(setup):
    user, course = setup
    services.enrollment_create(user=user, course=course)
    lessons = lessons_of(course)
    for lesson in lessons[:-1]:
        services.lesson_complete(user=user, lesson=lesson)
    finished = []
    from courses.signals import course_completed

    def on_finished(**kwargs):
        finished.append(kwargs["user"].pk)

    course_completed.connect(on_finished)
    try:
        errors = _race(lambda: services.lesson_complete(user=user, lesson=lessons[-1]))
    finally:
        course_completed.disconnect(on_finished)
    assert errors == []
    assert LessonProgress.objects.filter(user=user, lesson=lessons[-1]).count() == 1
    assert finished == [user.pk]  # "course completed" announced exactly once


def test_simultaneous_heartbeats_never_credit_more_than_elapsed_time(setup):
    import datetime

    from django.utils import timezone

    from courses.models import StudyTime

    user, course = setup
    services.enrollment_create(user=user, course=course)
    lesson = lessons_of(course)[0]
    start = timezone.now()
    services.study_heartbeat(user=user, lesson=lesson, now=start)
    later = start + datetime.timedelta(seconds=30)
    assert _race(lambda: services.study_heartbeat(user=user, lesson=lesson, now=later)) == []
    assert StudyTime.objects.get(user=user).seconds == 30
