"""Learning as a person does it in the browser: HTML pages and forms."""

import pytest

from courses import services
from courses.models import Enrollment, LessonProgress
from tests.factories import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def test_anonymous_sees_course_but_not_lessons(client, course):
    page = client.get(course.url)
    assert page.status_code == 200 and "测试课程" in page.content.decode()
    lesson = lessons_of(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lesson_needs_enrolment(login, candidate, course):
    client = login(candidate)
    lesson = lessons_of(course)[0]
    assert client.get(lesson.url)["Location"] == course.url


def test_enrol_read_complete_and_see_progress(login, candidate, course):
    client = login(candidate)
    lessons = lessons_of(course)
    client.post(f"/learning/courses/{course.pk}/enroll/")
    assert Enrollment.objects.filter(user=candidate, course=course).exists()

    course_html = client.get(course.url).content.decode()
    assert lessons[0].url in course_html

    lesson_html = client.get(lessons[0].url).content.decode()
    assert "课文 1.1" in lesson_html and 'data-lesson-state="incomplete"' in lesson_html
    assert f"/api/v1/lessons/{lessons[0].pk}/heartbeat/" in lesson_html

    response = client.post(
        f"/learning/lessons/{lessons[0].pk}/complete/", {"next_lesson": lessons[1].pk}
    )
    assert response["Location"] == lessons[1].url
    assert LessonProgress.objects.filter(user=candidate, lesson=lessons[0]).exists()

    learning_html = client.get("/learning/").content.decode()
    assert "测试课程" in learning_html and "25%" in learning_html
    assert lessons[1].url in learning_html  # continue where you left off
    assert 'data-lesson-state="complete"' in client.get(lessons[0].url).content.decode()


def test_locked_lesson_redirects_to_course(login, candidate):
    course = course_tree(sequential=True)
    services.enrollment_create(user=candidate, course=course)
    client = login(candidate)
    lessons = lessons_of(course)
    assert client.get(lessons[1].url)["Location"] == course.url
    assert client.get(lessons[0].url).status_code == 200
    course_html = client.get(course.url).content.decode()
    assert lessons[1].url not in course_html  # shown, but not as a link


def test_complete_form_for_unknown_lesson_is_404(login, candidate, course):
    client = login(candidate)
    assert client.post("/learning/lessons/987654/complete/").status_code == 404
    assert client.post(f"/learning/lessons/{course.pk}/complete/").status_code == 404


def test_forms_need_post(login, candidate, course):
    client = login(candidate)
    assert client.get(f"/learning/courses/{course.pk}/enroll/").status_code == 405
    assert not Enrollment.objects.exists()


def test_registration_creates_a_candidate(client, db):
    response = client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "real_name": "新学员",
            "email": "newbie@example.com",
            "password1": "a-long-Secret-42",
            "password2": "a-long-Secret-42",
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="newbie")
    assert user.real_name == "新学员"
    assert list(user.groups.values_list("name", flat=True)) == ["candidate"]
    assert client.get("/learning/").status_code == 200  # signed in


def test_registration_errors_are_shown_and_nothing_is_created(client, db):
    response = client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "real_name": "",
            "password1": "123",
            "password2": "456",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="newbie").exists()


def test_profile_saves_goal_and_language(login, candidate):
    from tests.factories import ExamLevelFactory

    level = ExamLevelFactory()
    client = login(candidate)
    response = client.post(
        "/accounts/profile/",
        {
            "user-real_name": "张晓晴",
            "user-phone": "13800000000",
            "user-email": "z@example.com",
            "user-preferred_language": "en",
            "goal-target_level": level.pk,
            "goal-exam_date": "2027-05-22",
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.preferred_language == "en"
    assert candidate.learner_profile.exam_date.isoformat() == "2027-05-22"
    assert "My learning" in client.get("/learning/").content.decode()


def test_my_learning_counts_down_to_the_exam(login, candidate):
    import datetime

    from django.utils import timezone

    from courses.services import learner_profile_update
    from tests.factories import ExamLevelFactory

    learner_profile_update(
        user=candidate,
        target_level=ExamLevelFactory(),
        exam_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    html = login(candidate).get("/learning/").content.decode()
    assert 'data-exam-countdown="10"' in html
    assert "助理社会工作师" in html
