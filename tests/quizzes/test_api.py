"""The quiz API as a client uses it, and what it must never reveal."""

import json

import pytest

from quizzes.models import Attempt, Response

pytestmark = pytest.mark.django_db


def start(api, quiz):
    response = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code in (200, 201), response.content
    return response.json()


def save(api, attempt_id, position, answer, seq, **extra):
    return api.put(
        f"/api/v1/attempts/{attempt_id}/responses/{position}/",
        {"answer": answer, "seq": seq, **extra},
        format="json",
    )


def secrets_of(attempt_id):
    """Every key and explanation text of the attempt's questions, as they sit in the database."""
    texts = set()
    for response in Response.objects.filter(attempt_id=attempt_id).select_related("version"):
        for option in response.version.options:
            texts.add(option["explanation"])
        texts.add(response.version.explanation)
    return texts


def test_mock_exam_flow(api, candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    assert len(data["questions"]) == 14 and data["deadline"]
    first = data["questions"][0]
    assert [o["label"] for o in first["options"]] == ["A", "B", "C", "D"]
    answer = [first["options"][2]["id"]]
    saved = save(api, data["id"], 1, answer, 1, flagged=True)
    assert saved.status_code == 200 and saved.json()["stale"] is False
    resumed = start(api, mock_exam)  # reload or another device: same attempt, answers kept
    assert resumed["id"] == data["id"]
    assert resumed["questions"][0]["answer"] == answer and resumed["questions"][0]["flagged"]
    result = api.post(f"/api/v1/attempts/{data['id']}/submit/").json()
    assert result["state"] == "submitted"
    assert "score" in result["result"] and result["result"]["by_chapter"]
    assert "review" in result["questions"][0]
    again = api.post(f"/api/v1/attempts/{data['id']}/submit/").json()
    assert again["result"]["score"] == result["result"]["score"]


def test_keys_never_leave_the_server_before_submit(api, candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    body = api.get(f"/api/v1/attempts/{data['id']}/").content.decode()
    assert '"review"' not in body and "correct" not in body and "key_points" not in body
    for secret in secrets_of(data["id"]):
        assert json.dumps(secret)[1:-1] not in body
    saved = save(api, data["id"], 1, [data["questions"][0]["options"][0]["id"]], 1)
    assert "review" not in saved.json()


def test_practice_shows_the_key_after_each_answer(api, candidate, practice):
    api.force_authenticate(candidate)
    data = start(api, practice)
    body = json.dumps(data)
    assert '"review"' not in body  # nothing answered yet
    option = data["questions"][0]["options"][0]["id"]
    checked = save(api, data["id"], 1, [option], 1).json()
    assert set(checked["review"]) >= {"key", "explanation", "option_explanations", "correct"}
    locked = save(api, data["id"], 1, [option], 2)
    assert locked.status_code == 409
    after = api.get(f"/api/v1/attempts/{data['id']}/").json()["questions"]
    assert "review" in after[0] and "review" not in after[1]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"answer": [1], "seq": 0}, "seq"),
        ({"answer": [1]}, "seq"),
        ({"answer": "B", "seq": 1}, "answer"),
        ({"answer": [99999999], "seq": 1}, "answer"),
    ],
)
def test_bad_saves_are_400_and_change_nothing(api, candidate, mock_exam, payload, field):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    response = api.put(f"/api/v1/attempts/{data['id']}/responses/1/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Response.objects.get(attempt_id=data["id"], position=1).seq == 0


def test_other_learners_attempt_is_404(api, candidate, other_candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    api.force_authenticate(other_candidate)
    assert api.get(f"/api/v1/attempts/{data['id']}/").status_code == 404
    assert save(api, data["id"], 1, None, 5).status_code == 404
    assert api.post(f"/api/v1/attempts/{data['id']}/submit/").status_code == 404
    assert Attempt.objects.get(pk=data["id"]).state == "in_progress"


def test_unknown_position_is_404(api, candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    assert save(api, data["id"], 99, None, 1).status_code == 404


def test_saving_after_submit_is_refused_with_a_message(api, candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    api.post(f"/api/v1/attempts/{data['id']}/submit/")
    refused = save(api, data["id"], 1, None, 2)
    assert refused.status_code == 409 and refused.json()["detail"]


def test_learner_cannot_set_score_or_deadline(api, candidate, mock_exam):
    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    save(
        api,
        data["id"],
        1,
        None,
        1,
        points="100",
        max_points="1",
        score=100,
        deadline="2099-01-01T00:00:00Z",
    )
    attempt = Attempt.objects.get(pk=data["id"])
    response = attempt.responses.get(position=1)
    assert response.points is None and response.max_points == 1
    assert attempt.deadline.year < 2099


def test_anonymous_gets_nothing(api, mock_exam):
    assert api.post(f"/api/v1/quizzes/{mock_exam.pk}/attempts/").status_code in (401, 403)
    assert api.get("/api/v1/quizzes/").status_code in (401, 403)


def test_quiz_list_filters(api, candidate, mock_exam, practice):
    api.force_authenticate(candidate)
    kinds = {
        q["kind"] for q in api.get("/api/v1/quizzes/", {"kind": "mock_exam"}).json()["results"]
    }
    assert kinds == {"mock_exam"}
    assert api.get("/api/v1/quizzes/", {"kind": "nonsense"}).status_code == 400


def test_save_is_one_statement_on_postgresql_with_the_token_checked_inside(
    api, candidate, mock_exam
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=candidate).key}")
    options = [q["options"][0]["id"] for q in data["questions"]]
    counts = []
    for position, seq in ((1, 1), (2, 2), (14, 3), (1, 4)):
        with CaptureQueriesContext(connection) as ctx:
            response = save(api, data["id"], position, [options[position - 1]], seq)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    # PostgreSQL: one guarded update that also checks the token and the answer. SQLite: the
    # general path, a read and the guarded update.
    assert counts == [1 if connection.vendor == "postgresql" else 2] * 4
    assert Response.objects.get(attempt_id=data["id"], position=14).answer == [options[13]]


def test_save_refuses_bad_foreign_and_inactive_tokens(api, candidate, mock_exam):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    api.force_authenticate(candidate)
    data = start(api, mock_exam)
    option = data["questions"][0]["options"][0]["id"]
    api.force_authenticate(None)
    other = UserFactory()
    cases = [
        ("Token not-a-real-token", 401),
        ("Token two words", 401),
        (f"Token {Token.objects.create(user=other).key}", 404),  # someone else's attempt
    ]
    for header, expected in cases:
        api.credentials(HTTP_AUTHORIZATION=header)
        assert save(api, data["id"], 1, [option], 1).status_code == expected, header
    own = Token.objects.create(user=candidate)
    candidate.is_active = False
    candidate.save(update_fields=["is_active"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {own.key}")
    refused = save(api, data["id"], 1, [option], 1)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    api.credentials()
    assert save(api, data["id"], 1, [option], 1).status_code == 401
    assert Response.objects.get(attempt_id=data["id"], position=1).answer is None


def test_browser_save_needs_the_csrf_token(candidate, mock_exam):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(candidate)
    browser.get("/quizzes/")  # a page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    started = browser.post(f"/quizzes/{mock_exam.pk}/start/", {"csrfmiddlewaretoken": csrf})
    attempt = Attempt.objects.get(user=candidate)
    assert started.status_code == 302
    option = Response.objects.get(attempt=attempt, position=1).option_order[0]
    url = f"/api/v1/attempts/{attempt.pk}/responses/1/"
    body = json.dumps({"answer": [option], "seq": 1})
    refused = browser.put(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert Response.objects.get(attempt=attempt, position=1).answer is None
    saved = browser.put(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert saved.status_code == 200
    assert Response.objects.get(attempt=attempt, position=1).answer == [option]


def test_attempt_page_source_carries_no_keys(login, candidate, mock_exam):
    client = login(candidate)
    response = client.post(f"/quizzes/{mock_exam.pk}/start/")
    html = client.get(response["Location"]).content.decode()
    attempt = Attempt.objects.get(user=candidate)
    payload = html.split('id="attempt-data"', 1)[1].split("</script>", 1)[0]
    assert '"questions"' in payload
    assert '"review"' not in payload and '"correct"' not in payload and "key_points" not in payload
    for secret in secrets_of(attempt.pk):
        assert secret not in html
