import pytest
from rest_framework.authtoken.models import Token

from courses import services
from courses.models import Enrollment, LessonProgress
from tests.factories import (
    ChapterFactory,
    KnowledgePointFactory,
    SubjectFactory,
    blueprint_for,
    course_tree,
    lessons_of,
)

pytestmark = pytest.mark.django_db


def test_syllabus_tree_is_public_and_nested(api):
    subject = SubjectFactory(code="J-CA")
    blueprint_for(subject)
    chapter = ChapterFactory(subject=subject, number=6, code="J-CA-06", name="个案社会工作服务方法")
    KnowledgePointFactory(chapter=chapter, code="J-CA-06-02", name="接案")
    response = api.get("/api/v1/syllabus/")
    assert response.status_code == 200
    level = response.json()[0]
    subject_data = level["subjects"][0]
    assert subject_data["code"] == "J-CA"
    assert subject_data["blueprint"]["total_points"] == "100.00"
    assert subject_data["blueprint"]["duration_minutes"] == 120
    assert subject_data["chapters"][0]["knowledge_points"][0]["code"] == "J-CA-06-02"


def test_course_list_shows_my_progress_only_to_me(api, candidate, other_candidate, course):
    services.enrollment_create(user=candidate, course=course)
    services.lesson_complete(user=candidate, lesson=lessons_of(course)[0])
    api.force_authenticate(candidate)
    mine = api.get("/api/v1/courses/").json()["results"][0]
    assert (mine["enrolled"], mine["completed_lessons"], mine["percent"]) == (True, 1, 25)
    api.force_authenticate(other_candidate)
    theirs = api.get("/api/v1/courses/").json()["results"][0]
    assert (theirs["enrolled"], theirs["completed_lessons"], theirs["percent"]) == (False, 0, 0)


def test_course_list_rejects_unknown_kind(api):
    response = api.get("/api/v1/courses/", {"kind": "cooking"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_course_list_filters_by_kind(api, db):
    course_tree(title="备考", kind="exam_prep")
    course_tree(title="轮训", kind="rotation_training")
    titles = [
        c["title"]
        for c in api.get("/api/v1/courses/", {"kind": "rotation_training"}).json()["results"]
    ]
    assert titles == ["轮训"]


def test_enrol_is_idempotent(api, candidate, course):
    api.force_authenticate(candidate)
    url = f"/api/v1/courses/{course.pk}/enroll/"
    first, second = api.post(url), api.post(url)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["lesson_count"] == 4
    assert Enrollment.objects.filter(user=candidate, course=course).count() == 1


def test_enrol_in_unknown_course_is_404(api, candidate, course):
    api.force_authenticate(candidate)
    assert api.post("/api/v1/courses/999999/enroll/").status_code == 404
    lesson = lessons_of(course)[0]
    assert api.post(f"/api/v1/courses/{lesson.pk}/enroll/").status_code == 404


def test_anonymous_cannot_enrol(api, course):
    assert api.post(f"/api/v1/courses/{course.pk}/enroll/").status_code in (401, 403)
    assert not Enrollment.objects.exists()


def test_complete_lesson_flow(api, candidate, course):
    api.force_authenticate(candidate)
    lesson = lessons_of(course)[0]
    url = f"/api/v1/lessons/{lesson.pk}/complete/"
    not_enrolled = api.post(url)
    assert not_enrolled.status_code == 403
    assert "Enrol" in not_enrolled.json()["detail"] or "报名" in not_enrolled.json()["detail"]
    api.post(f"/api/v1/courses/{course.pk}/enroll/")
    first, second = api.post(url), api.post(url)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["percent"] == 25
    assert first.json()["completed_at"] == second.json()["completed_at"]
    assert LessonProgress.objects.filter(user=candidate).count() == 1


def test_locked_lesson_cannot_be_completed(api, candidate):
    course = course_tree(sequential=True)
    api.force_authenticate(candidate)
    api.post(f"/api/v1/courses/{course.pk}/enroll/")
    response = api.post(f"/api/v1/lessons/{lessons_of(course)[3].pk}/complete/")
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


def test_heartbeat_credits_and_rejects_strangers(api, candidate, other_candidate, course):
    lesson = lessons_of(course)[0]
    api.force_authenticate(other_candidate)
    assert api.post(f"/api/v1/lessons/{lesson.pk}/heartbeat/").status_code == 403
    api.force_authenticate(candidate)
    api.post(f"/api/v1/courses/{course.pk}/enroll/")
    assert api.post(f"/api/v1/lessons/{lesson.pk}/heartbeat/").json() == {"credited_seconds": 0}


def test_my_enrolments_are_mine_only(api, candidate, other_candidate, course):
    services.enrollment_create(user=other_candidate, course=course)
    api.force_authenticate(candidate)
    assert api.get("/api/v1/enrollments/").json()["results"] == []
    services.enrollment_create(user=candidate, course=course)
    rows = api.get("/api/v1/enrollments/").json()["results"]
    assert [row["course"] for row in rows] == [course.pk]


def test_token_authentication(api, candidate, course):
    token = Token.objects.create(user=candidate)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post(f"/api/v1/courses/{course.pk}/enroll/").status_code == 201


def test_obtain_token_with_password(api, candidate):
    response = api.post(
        "/api/v1/auth/token/", {"username": candidate.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200 and len(response.json()["token"]) == 40
    wrong = api.post("/api/v1/auth/token/", {"username": candidate.username, "password": "x"})
    assert wrong.status_code == 400


class TestMe:
    def test_read_and_update(self, api, candidate):
        SubjectFactory()  # creates exam level J
        api.force_authenticate(candidate)
        response = api.patch(
            "/api/v1/me/",
            {
                "real_name": "张三",
                "preferred_language": "en",
                "target_level": "J",
                "exam_date": "2027-05-22",
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        data = api.get("/api/v1/me/").json()
        assert (
            data["real_name"],
            data["preferred_language"],
            data["target_level"],
            data["exam_date"],
        ) == ("张三", "en", "J", "2027-05-22")
        assert data["roles"] == ["candidate"]

    def test_bad_values_are_field_errors_and_change_nothing(self, api, candidate):
        api.force_authenticate(candidate)
        response = api.patch(
            "/api/v1/me/",
            {
                "real_name": "李四",
                "preferred_language": "fr",
                "target_level": "ZZ",
                "exam_date": "2027-13-40",
            },
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"preferred_language", "target_level", "exam_date"}
        candidate.refresh_from_db()
        assert candidate.real_name != "李四"

    def test_cannot_change_username_or_roles(self, api, candidate):
        api.force_authenticate(candidate)
        api.patch(
            "/api/v1/me/",
            {"username": "root", "roles": ["city_admin"], "is_superuser": True},
            format="json",
        )
        candidate.refresh_from_db()
        assert candidate.username != "root" and not candidate.is_superuser
        assert list(candidate.groups.values_list("name", flat=True)) == ["candidate"]


def test_openapi_schema_lists_the_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/syllabus/",
        "/api/v1/courses/",
        "/api/v1/courses/{course_id}/enroll/",
        "/api/v1/lessons/{lesson_id}/complete/",
        "/api/v1/lessons/{lesson_id}/heartbeat/",
        "/api/v1/enrollments/",
        "/api/v1/me/",
    ):
        assert path in paths


def test_api_docs_page_serves_local_assets(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html and "cdn.jsdelivr" not in html
