"""The attempt pages' service worker: served with the scope it needs and no more, and the only
pages it may keep are attempts in progress, shown to their owner."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt
from quizzes.offline_views import KEEP_HEADER

pytestmark = pytest.mark.django_db


def test_the_worker_is_javascript_that_is_never_cached(client):
    response = client.get(reverse("attempt-service-worker"))
    assert response.status_code == 200  # anyone: the script holds code, no data
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'const STATIC_URL = "/static/";' in script
    assert f'const KEEP_HEADER = "{KEEP_HEADER}";' in script


def test_the_worker_covers_the_attempt_pages_only(client):
    url = reverse("attempt-service-worker")
    # A worker's scope is at most the folder of its script, unless this header widens it.
    assert url == "/attempts/sw.js"
    assert "Service-Worker-Allowed" not in client.get(url)


def test_the_worker_only_answers_get(client):
    url = reverse("attempt-service-worker")
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


def test_only_an_open_attempt_shown_to_its_owner_may_be_kept(
    login, candidate, other_candidate, mock_exam
):
    owner = login(candidate)
    page = owner.get(owner.post(f"/quizzes/{mock_exam.pk}/start/")["Location"])
    assert page.status_code == 200 and page[KEEP_HEADER] == "keep"
    attempt = Attempt.objects.get(user=candidate)

    stranger = Client()
    stranger.force_login(other_candidate)
    refused = stranger.get(f"/attempts/{attempt.pk}/")
    assert refused.status_code == 404 and KEEP_HEADER not in refused

    assert KEEP_HEADER not in Client().get(f"/attempts/{attempt.pk}/")  # to the login page

    owner.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    result = owner.get(f"/attempts/{attempt.pk}/")
    assert result.status_code == 200 and KEEP_HEADER not in result  # the result is not kept
