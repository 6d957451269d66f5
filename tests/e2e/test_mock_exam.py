"""A mock exam in the browser: time runs out; practice explains each answer.

Answering through a dropped network and a reload is part of tests/e2e/test_candidate_journey.py."""

import datetime
import re

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from tests.e2e.browser import choose_option, log_in, saved_answers, start_mock_exam

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_time_running_out_submits_what_was_answered(page, demo):
    log_in(page, demo)
    attempt = start_mock_exam(page, demo, "J-PR")
    choose_option(page, 1, 0)
    page.wait_for_selector("#save-state[data-state=saved]")
    # Bring the deadline close and reload, as if the candidate had been writing for two hours.
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=6)
    )
    page.reload()
    page.wait_for_selector("#timer:not([hidden])")
    choose_option(page, 2, 1)  # answered in the last seconds
    page.wait_for_url(re.compile(rf"/attempts/{attempt.pk}/$"), timeout=30_000)
    page.wait_for_selector(".by-chapter", timeout=30_000)
    page.snap("timed-out")
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.submit_reason == "deadline"
    assert set(saved_answers(attempt)) == {1, 2}
    assert "自动提交" in page.inner_text("main") or "automatically" in page.inner_text("main")


def test_practice_explains_each_answer_and_offers_a_similar_question(page, demo):
    log_in(page, demo)
    quiz = Quiz.objects.filter(kind="practice", subject__code="J-CA").first()
    page.goto(f"{demo}/quizzes/")
    page.click(f"button[data-quiz='{quiz.pk}']")
    page.click("#question .option >> nth=0")
    page.wait_for_selector("#question .explanation")
    page.snap("checked")
    assert page.locator("#question .option.correct").count() >= 1  # the key is shown now
    assert page.locator("#question input:disabled").count() >= 4  # and the answer is final
    page.click("#similar")
    page.wait_for_selector("#question .option")
    new = Attempt.objects.filter(user__username="candidate").order_by("-pk").first()
    assert new.quiz.title.startswith("考点练习")
    assert new.quiz.knowledge_points.count() == 1


def test_a_save_the_server_cannot_take_is_shown_unsaved_and_sent_again(page, demo):
    """The server answers 503 (restarting, overloaded): the page says the answer is not yet
    saved, keeps it, and sends it again until the server takes it."""
    log_in(page, demo)
    attempt = start_mock_exam(page, demo, "J-CA")
    refused = []

    def unavailable(route):
        refused.append(route.request.url)
        route.fulfill(status=503, body="Service Unavailable")

    page.route("**/api/v1/attempts/*/responses/*/", unavailable)
    choose_option(page, 1, 2)
    page.wait_for_selector("#save-state[data-state=retrying]")
    page.snap("not-yet-saved")
    assert "尚未保存" in page.inner_text("#save-state")
    assert refused and not saved_answers(attempt)

    page.unroute("**/api/v1/attempts/*/responses/*/")  # the server is back
    page.wait_for_selector("#save-state[data-state=saved]", timeout=20_000)
    shown = attempt.responses.get(position=1).option_order
    assert saved_answers(attempt) == {1: [shown[2]]}
