"""Pages and API lists run a fixed number of queries, whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from tests.factories import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _queries(client, url, method="get"):
    getattr(client, method)(url)  # warm caches (site root paths, content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _grow(user, courses):
    """Enrol in every course and complete its first lesson."""
    for course in courses:
        services.enrollment_create(user=user, course=course)
        services.lesson_complete(user=user, lesson=lessons_of(course)[0])


@pytest.mark.parametrize(
    "url_of",
    [
        lambda course: course.url,
        lambda course: lessons_of(course)[0].url,
        lambda course: "/learning/",
        lambda course: "/courses/",
        lambda course: "/",
        lambda course: "/api/v1/courses/",
        lambda course: "/api/v1/enrollments/",
        lambda course: f"/api/v1/courses/{course.pk}/",
        lambda course: "/api/v1/syllabus/",
    ],
    ids=[
        "course",
        "lesson",
        "my-learning",
        "course-index",
        "home",
        "api-courses",
        "api-enrollments",
        "api-course-detail",
        "api-syllabus",
    ],
)
def test_query_count_does_not_grow(login, candidate, url_of):
    client = login(candidate)
    small = [course_tree(modules=1, lessons_per_module=2)]
    _grow(candidate, small)
    before = _queries(client, url_of(small[0]))
    big = [course_tree(modules=4, lessons_per_module=5) for _ in range(4)]
    _grow(candidate, big)
    # The same page again, now with many more courses, modules, lessons and progress around it.
    after = _queries(client, url_of(small[0]))
    assert after == before


def test_lesson_page_queries_do_not_grow_with_lessons(login, candidate):
    client = login(candidate)
    small = course_tree(modules=1, lessons_per_module=2)
    big = course_tree(modules=5, lessons_per_module=8)
    _grow(candidate, [small, big])
    assert _queries(client, lessons_of(small)[0].url) == _queries(client, lessons_of(big)[0].url)
