"""Who may do what: role × operation, as a matrix."""

import pytest

from courses.models import Chapter
from tests.factories import PASSWORD, ChapterFactory, UserFactory, course_tree, lessons_of

pytestmark = pytest.mark.django_db

ROLES = ["candidate", "trainer", "institution_admin", "city_admin", "supervisor"]

# operation → roles allowed
MATRIX = {
    "open the authoring admin": {"trainer", "city_admin"},
    "list the syllabus": {"trainer", "city_admin"},
    "add a syllabus chapter": {"city_admin"},
    "edit a syllabus chapter": {"city_admin"},
    "edit a lesson of a course they do not author": {"city_admin"},
    "open the certificate template editor": {"trainer", "city_admin"},
    "add a certificate programme": {"city_admin"},
    "open the certificate desk": {"institution_admin", "city_admin"},
    "set an institution's annual target": {"city_admin"},
}


def _attempt(client, operation, chapter, lesson):
    if operation == "open the authoring admin":
        return client.get("/admin/").status_code == 200
    if operation == "list the syllabus":
        return client.get("/admin/snippets/courses/chapter/").status_code == 200
    if operation == "add a syllabus chapter":
        return client.get("/admin/snippets/courses/chapter/add/").status_code == 200
    if operation == "edit a syllabus chapter":
        client.post(
            f"/admin/snippets/courses/chapter/edit/{chapter.pk}/",
            {
                "subject": chapter.subject_id,
                "number": chapter.number,
                "code": chapter.code,
                "name": "改过的章名",
                "name_en": chapter.name_en,
                "edition": chapter.edition,
                "weight": "12",
            },
        )
        return Chapter.objects.get(pk=chapter.pk).name == "改过的章名"
    if operation == "edit a lesson of a course they do not author":
        return client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    if operation == "open the certificate template editor":
        return (
            client.get("/admin/snippets/certificates/certificatetemplate/add/").status_code == 200
        )
    if operation == "add a certificate programme":
        return (
            client.get("/admin/snippets/certificates/certificateprogramme/add/").status_code == 200
        )
    if operation == "open the certificate desk":
        return client.get("/certificates/manage/").status_code == 200
    if operation == "set an institution's annual target":
        return client.get("/admin/snippets/reporting/annualtarget/add/").status_code == 200
    raise AssertionError(operation)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX))
def test_permission_matrix(client, role, operation):
    user = UserFactory(role=role)
    chapter = ChapterFactory()
    lesson = lessons_of(course_tree())[0]
    client.login(username=user.username, password=PASSWORD)
    assert _attempt(client, operation, chapter, lesson) == (role in MATRIX[operation])


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_roles_are_seeded_by_migrate(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
