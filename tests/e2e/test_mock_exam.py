"""A mock exam in the browser: answers survive a dropped network and a reload; time runs out."""

import datetime
import re

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def choose(page, position, option_index):
    page.click(f"#navigator .nav-item >> nth={position - 1}")
    page.click(f"#question .option >> nth={option_index}")


def saved_answers(attempt):
    return {r.position: r.answer for r in attempt.responses.all() if r.answer}


def test_answers_survive_going_offline_and_reloading(page, demo):
    log_in(page, demo)
    quiz = Quiz.objects.get(kind="mock_exam", subject__code="J-CA")
    page.goto(f"{demo}/quizzes/")
    page.click(f"button[data-quiz='{quiz.pk}']")
    page.wait_for_selector("#question .option")
    attempt = Attempt.objects.get(user__username="candidate", quiz=quiz)
    page.snap("started")

    choose(page, 1, 1)
    choose(page, 2, 2)
    page.wait_for_selector("#save-state[data-state=saved]")
    assert set(saved_answers(attempt)) == {1, 2}

    page.context.set_offline(True)
    choose(page, 3, 0)
    choose(page, 4, 3)
    choose(page, 1, 2)  # a changed answer while offline
    page.wait_for_selector("#save-state[data-state=offline]")
    page.snap("offline")
    assert set(saved_answers(attempt)) == {1, 2}  # nothing reached the server
    page.goto("about:blank")  # leave while offline: the answers wait in the browser's storage

    page.context.set_offline(False)
    page.goto(f"{demo}/attempts/{attempt.pk}/")
    page.wait_for_selector("#save-state[data-state=saved]")
    page.snap("back-online")
    answers = saved_answers(attempt)
    assert set(answers) == {1, 2, 3, 4}
    shown = {r.position: r.option_order for r in attempt.responses.all()}
    assert answers[1] == [shown[1][2]]  # the change made offline won
    assert answers[3] == [shown[3][0]] and answers[4] == [shown[4][3]]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector(".by-chapter")
    page.snap("result")
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.score is not None
    assert page.inner_text("[data-score]").startswith(str(attempt.score))


def test_time_running_out_submits_what_was_answered(page, demo):
    log_in(page, demo)
    quiz = Quiz.objects.get(kind="mock_exam", subject__code="J-PR")
    page.goto(f"{demo}/quizzes/")
    page.click(f"button[data-quiz='{quiz.pk}']")
    page.wait_for_selector("#question .option")
    attempt = Attempt.objects.get(user__username="candidate", quiz=quiz)
    choose(page, 1, 0)
    page.wait_for_selector("#save-state[data-state=saved]")
    # Bring the deadline close and reload, as if the candidate had been writing for two hours.
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=6)
    )
    page.reload()
    page.wait_for_selector("#timer:not([hidden])")
    choose(page, 2, 1)  # answered in the last seconds
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
