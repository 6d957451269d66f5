"""Every response carries the Content Security Policy: the strict one for learners and the API,
the admin's own under /admin/; cookies scripts cannot read."""

import pytest

from courses.blocks import VIDEO_PLAYER_HOSTS

pytestmark = pytest.mark.django_db


def directives(response, header="Content-Security-Policy"):
    policy = response[header]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_a_learner_page_gets_the_strict_policy(login, candidate):
    policy = directives(login(candidate).get("/learning/"))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["worker-src"] == ["'self'"]


def test_the_api_and_its_docs_get_the_strict_policy(api, candidate, client):
    api.force_authenticate(candidate)
    assert directives(api.get("/api/v1/quizzes/"))["script-src"] == ["'self'"]
    docs = client.get("/api/docs/")
    assert directives(docs)["style-src"] == ["'self'"]
    page = docs.content.decode()
    assert "<style" not in page and "<script>" not in page  # its start-up script is a file
    assert client.get("/api/docs/?script").status_code == 200


def test_the_service_worker_may_be_registered(client):
    assert directives(client.get("/attempts/sw.js"))["worker-src"] == ["'self'"]


def test_the_admin_gets_its_own_policy_and_the_site_keeps_its_own(client, city_admin):
    client.force_login(city_admin)
    admin = directives(client.get("/admin/"))
    assert "'unsafe-inline'" in admin["script-src"] and admin["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in directives(client.get("/accounts/profile/"))["script-src"]


def test_lesson_videos_may_be_framed_from_every_host_lessons_accept(client):
    frame_src = directives(client.get("/accounts/login/"))["frame-src"]
    assert {f"https://{host}" for host in VIDEO_PLAYER_HOSTS} <= set(frame_src)


def test_report_only_sends_the_policy_without_enforcing_it(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert directives(response, "Content-Security-Policy-Report-Only")["script-src"] == ["'self'"]


def test_no_site_may_frame_a_page_and_cookies_are_not_for_scripts(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.cookies["csrftoken"]["httponly"] is True


def test_a_page_preview_keeps_the_pages_policy_but_the_admin_may_frame_it(rf, course):
    from courses.models import LessonPage

    lesson = LessonPage.objects.live().first()
    preview = lesson.make_preview_request(rf.get("/admin/"), lesson.default_preview_mode)
    policy = directives(preview)
    assert policy["frame-ancestors"] == ["'self'"] and policy["script-src"] == ["'self'"]
