"""Redis down: signed-in pages and answer saves go on without the cache, nothing is lost."""

import logging

import pytest

from quizzes.models import Response
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signed_in_pages_and_answer_saves_work_while_redis_is_down(
    cache_down, client, candidate, mock_exam, caplog
):
    assert client.login(username=candidate.username, password=PASSWORD)
    with caplog.at_level(logging.ERROR, logger="lms.cache"):
        assert client.get("/learning/").status_code == 200
    assert caplog.records  # each skipped cache call is logged
    started = client.post(f"/api/v1/quizzes/{mock_exam.pk}/attempts/")
    assert started.status_code in (200, 201), started.content
    data = started.json()
    answer = [data["questions"][0]["options"][1]["id"]]
    saved = client.put(
        f"/api/v1/attempts/{data['id']}/responses/1/",
        {"answer": answer, "seq": 1},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert Response.objects.get(attempt_id=data["id"], position=1).answer == answer
