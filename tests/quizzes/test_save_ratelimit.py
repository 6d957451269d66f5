"""Answer saves are limited per candidate (or API token) and per address; a refused save is a
JSON 429 with Retry-After and changes nothing, and costs the save no database query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from quizzes.models import Response
from tests.ratelimit_cache import fresh_cache  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def open_attempt(api, user, quiz):
    api.force_authenticate(user)
    data = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    return data["id"], data["questions"][0]["options"][0]["id"]


def save(api, attempt_id, option, seq, address="198.51.100.1"):
    return api.put(
        f"/api/v1/attempts/{attempt_id}/responses/1/",
        {"answer": [option], "seq": seq},
        format="json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_one_candidate_over_the_limit_is_refused_another_is_not(
    api, candidate, other_candidate, mock_exam, settings
):
    settings.ANSWER_SAVE_RATE_PER_USER = "3/m"
    attempt, option = open_attempt(api, candidate, mock_exam)
    codes = [save(api, attempt, option, seq, f"198.51.100.{seq}").status_code for seq in (1, 2, 3)]
    refused = save(api, attempt, option, 4, "198.51.100.4")
    assert codes == [200, 200, 200] and refused.status_code == 429
    assert "Too many answers saved" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert Response.objects.get(attempt_id=attempt, position=1).seq == 3  # the 4th changed nothing
    other, other_option = open_attempt(api, other_candidate, mock_exam)
    assert save(api, other, other_option, 1, "198.51.100.4").status_code == 200


def test_one_address_over_the_limit_is_refused_another_is_not(
    api, candidate, other_candidate, mock_exam, settings
):
    settings.ANSWER_SAVE_RATE_PER_ADDRESS = "2/m"
    first, option = open_attempt(api, candidate, mock_exam)
    second, second_option = open_attempt(api, other_candidate, mock_exam)
    api.force_authenticate(candidate)
    assert save(api, first, option, 1, "203.0.113.1").status_code == 200
    api.force_authenticate(other_candidate)
    assert save(api, second, second_option, 1, "203.0.113.1").status_code == 200
    assert save(api, second, second_option, 2, "203.0.113.1").status_code == 429
    assert save(api, second, second_option, 3, "203.0.113.2").status_code == 200


def test_token_saves_are_counted_per_token_without_a_query(api, candidate, mock_exam, settings):
    settings.ANSWER_SAVE_RATE_PER_USER = "1/m"
    attempt, option = open_attempt(api, candidate, mock_exam)
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=candidate).key}")
    assert save(api, attempt, option, 1).status_code == 200
    with CaptureQueriesContext(connection) as refused_queries:
        refused = save(api, attempt, option, 2)
    assert refused.status_code == 429 and len(refused_queries.captured_queries) == 0
