"""Lesson and course rich text is shown through the allow-list, whatever was stored."""

import pytest

from tests.factories import PASSWORD, UserFactory, course_tree, lessons_of

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onmouseover="alert(1)">接案阶段<script>alert(2)</script>'
    '<a href="javascript:alert(3)">链接</a><iframe src="https://evil.example/"></iframe></p>'
)


def test_lesson_text_and_key_points_stored_raw_are_shown_without_what_runs(client):
    course = course_tree(modules=1, lessons_per_module=1)
    lesson = lessons_of(course)[0]
    lesson.body = [
        {"type": "paragraph", "value": HOSTILE},
        {"type": "key_point", "value": {"title": "考点提示", "text": HOSTILE}},
    ]
    lesson.save()
    admin = UserFactory(role="city_admin")
    client.login(username=admin.username, password=PASSWORD)
    html = client.get(f"/admin/pages/{lesson.pk}/view_draft/").content.decode()
    body = html.split('class="lesson-text"', 1)[1].split("</main>")[0]
    assert "接案阶段" in body and "链接" in body
    for sign in ("alert(", "javascript:", "<iframe", "onmouseover"):
        assert sign not in body
