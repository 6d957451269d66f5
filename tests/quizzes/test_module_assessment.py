"""A training module's assessment: it opens when the module's lessons are done, passing it
completes the module, and the course finishes only when every assessed module is passed."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses import services as course_services
from courses.models import Enrollment, ModuleCompletion, ModulePage
from courses.signals import course_completed
from quizzes.models import Quiz, QuizKind, Response
from quizzes.services import attempts as svc
from tests.factories import course_tree, lessons_of, question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def training(subject):
    """A two-module course; module 1 ends with a 4-question assessment, pass mark 75%."""
    course = course_tree(title="轮训课程", kind="rotation_training", modules=2)
    chapter = subject.chapters.first()
    for _ in range(4):
        question(chapter=chapter)
    module = ModulePage.objects.child_of(course).order_by("path").first()
    quiz = Quiz.objects.create(
        title="第一单元测验",
        kind=QuizKind.MODULE_ASSESSMENT,
        module=module,
        question_count=4,
        pass_percent=Decimal(75),
    )
    quiz.chapters.set([chapter])
    quiz.save()
    return course, module, quiz


def _answer(attempt, correct: int):
    """Answer the first ``correct`` questions right and the rest wrong."""
    for response in Response.objects.filter(attempt=attempt).order_by("position"):
        options = {o["id"]: o["correct"] for o in response.version.options}
        right = [oid for oid, ok in options.items() if ok]
        wrong = [oid for oid, ok in options.items() if not ok][:1]
        svc.response_save(
            user=attempt.user,
            attempt_id=attempt.pk,
            position=response.position,
            answer=right if response.position <= correct else wrong,
            seq=1,
        )


def _complete_lessons(user, course, module=None):
    for lesson in lessons_of(course):
        if module is None or lesson.path.startswith(module.path):
            course_services.lesson_complete(user=user, lesson=lesson)


def test_the_assessment_opens_when_the_modules_lessons_are_done(candidate, training):
    course, module, quiz = training
    course_services.enrollment_create(user=candidate, course=course)
    with pytest.raises(ValidationError, match="lessons before its assessment"):
        svc.attempt_start(user=candidate, quiz=quiz)
    _complete_lessons(candidate, course, module)
    attempt, created = svc.attempt_start(user=candidate, quiz=quiz, rng=random.Random(1))
    assert created and attempt.responses.count() == 4


def test_passing_completes_the_module_and_then_the_course(candidate, training):
    course, module, quiz = training
    course_services.enrollment_create(user=candidate, course=course)
    finished = []

    def on_finish(user, **kwargs):
        finished.append(user)

    course_completed.connect(on_finish)
    try:
        _complete_lessons(candidate, course)
        enrollment = Enrollment.objects.get(user=candidate, course=course)
        assert enrollment.completed_at is None  # every lesson done, the assessment not passed

        failed, _ = svc.attempt_start(user=candidate, quiz=quiz, rng=random.Random(2))
        _answer(failed, correct=2)  # 50% < 75%
        failed = svc.attempt_submit(attempt=failed)
        assert failed.passed is False
        assert not ModuleCompletion.objects.filter(user=candidate).exists()

        passed, _ = svc.attempt_start(user=candidate, quiz=quiz, rng=random.Random(3))
        _answer(passed, correct=3)  # 75%
        passed = svc.attempt_submit(attempt=passed)
        assert passed.passed is True
        completion = ModuleCompletion.objects.get(user=candidate, module=module)
        assert completion.score_percent == Decimal("75.00")
        enrollment.refresh_from_db()
        assert enrollment.completed_at == passed.submitted_at
        assert finished == [candidate]

        again, _ = svc.attempt_start(user=candidate, quiz=quiz, rng=random.Random(4))
        _answer(again, correct=4)
        svc.attempt_submit(attempt=again)
        assert ModuleCompletion.objects.filter(user=candidate).count() == 1
        assert finished == [candidate]  # the course finished once
    finally:
        course_completed.disconnect(on_finish)


def test_course_page_shows_the_assessment_and_its_state(login, candidate, training):
    course, module, quiz = training
    course_services.enrollment_create(user=candidate, course=course)
    client = login(candidate)
    page = client.get(course.url).content.decode()
    assert "第一单元测验" in page and f"/quizzes/{quiz.pk}/start/" not in page
    assert "assessment-passed" not in page
    _complete_lessons(candidate, course, module)
    page = client.get(course.url).content.decode()
    assert f"/quizzes/{quiz.pk}/start/" in page
    attempt, _ = svc.attempt_start(user=candidate, quiz=quiz, rng=random.Random(5))
    _answer(attempt, correct=4)
    svc.attempt_submit(attempt=attempt)
    page = client.get(course.url).content.decode()
    assert f"/quizzes/{quiz.pk}/start/" not in page
    assert "assessment-passed" in page
    result = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert f"#module-{module.pk}" in result
