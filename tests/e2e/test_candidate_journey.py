"""A candidate's journey from registering to a mock exam's result, through a dropped network
and a reload while offline."""

import re
from contextlib import contextmanager

import pytest
from django.core.signals import request_started

from courses.models import CoursePage, LessonProgress
from quizzes.models import Attempt, Quiz
from tests.e2e.browser import choose_option, saved_answers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

COURSE = "初级社会工作综合能力 备考精讲"
KEPT = "caches.open('qihang-attempts-v1').then((c) => c.match(location.pathname))"


@contextmanager
def requests_for(path):
    """The requests the live server receives for ``path`` while the block runs."""
    seen = []

    def count(sender, environ, **kwargs):
        if environ.get("PATH_INFO") == path:
            seen.append(environ["REQUEST_METHOD"])

    request_started.connect(count)
    try:
        yield seen
    finally:
        request_started.disconnect(count)


def register(page, base, username):
    page.goto(f"{base}/accounts/register/")
    page.snap("register")
    page.fill("#id_username", username)
    page.fill("#id_real_name", "林晓")
    page.fill("#id_email", "linxiao@example.cn")
    page.fill("#id_password1", "Qihang-2026-journey")
    page.fill("#id_password2", "Qihang-2026-journey")
    page.click("main button[type=submit].primary")
    page.wait_for_url(re.compile(r"/courses/$"))
    assert "欢迎" in page.inner_text(".messages")
    page.snap("registered")


def enrol_and_complete_a_lesson(page, base, username):
    page.click(f"text={COURSE}")
    page.click("text=报名学习本课程")
    page.wait_for_selector("[data-progress]")
    page.snap("enrolled")
    page.click("a.button.primary")  # start the first lesson
    page.wait_for_selector("article.lesson-body")
    assert len(page.inner_text("article.lesson-body")) > 800  # a real lesson to read
    page.snap("lesson")
    page.click("[data-lesson-state=incomplete]")
    page.wait_for_selector("article.lesson-body h1")
    assert LessonProgress.objects.filter(user__username=username).count() == 1
    page.goto(base + CoursePage.objects.get(slug="junior-comprehensive").url)
    assert page.locator(".outline .state.done").count() == 1
    page.snap("lesson-complete")


def chapter_practice(page, base):
    page.goto(f"{base}/quizzes/")
    practice = Quiz.objects.filter(kind="practice", subject__code="J-CA").order_by("pk").first()
    page.click(f"button[data-quiz='{practice.pk}']")
    for position in (1, 2):
        choose_option(page, position, 0)
        page.wait_for_selector("#question .explanation")
        assert page.locator("#question .option.correct").count() >= 1
        assert page.inner_text("#question .explanation h3")[0] in "✓✗"
        page.snap(f"practice-{position}")
    page.wait_for_selector("#save-state[data-state=saved]")


def test_a_new_candidate_studies_practises_and_sits_a_mock_exam_through_an_outage(page, demo):
    username = "linxiao"
    register(page, demo, username)
    enrol_and_complete_a_lesson(page, demo, username)
    chapter_practice(page, demo)

    quiz = Quiz.objects.get(kind="mock_exam", subject__code="J-CA")
    page.goto(f"{demo}/quizzes/")
    page.click(f"button[data-quiz='{quiz.pk}']")
    page.wait_for_selector("#question .option")
    attempt = Attempt.objects.get(user__username=username, quiz=quiz)
    choose_option(page, 1, 1)
    choose_option(page, 2, 2)
    page.wait_for_selector("#save-state[data-state=saved]")
    assert set(saved_answers(attempt)) == {1, 2}
    page.wait_for_function(KEPT, timeout=30_000)  # a copy for reloading without a connection
    page.snap("mock-started")

    path = f"/attempts/{attempt.pk}/"
    with requests_for(path) as reached_server:
        page.context.set_offline(True)
        choose_option(page, 3, 0)
        choose_option(page, 1, 2)  # an answer changed while offline
        page.wait_for_selector("#save-state[data-state=offline]")
        state = page.inner_text("#save-state")
        assert "尚未保存" in state and "本设备" in state
        page.snap("offline")

        page.reload()  # still offline: the kept page comes back, with the answers given since
        page.wait_for_selector("#question .option")
        page.wait_for_selector("#save-state[data-state=offline]")
        assert page.locator("#navigator .nav-item.answered").count() == 3
        page.click("#navigator .nav-item >> nth=0")
        assert page.is_checked("#question .option >> nth=2 >> input")
        choose_option(page, 4, 3)  # and keeps answering
        choose_option(page, 2, 0)  # and changes an answer saved before the outage
        page.wait_for_selector("#save-state[data-state=offline]")
        page.snap("reloaded-offline")
        assert set(saved_answers(attempt)) == {1, 2}  # nothing reached the server
    assert reached_server == []  # the reload was served from this device

    page.context.set_offline(False)
    page.wait_for_selector("#save-state[data-state=saved]", timeout=30_000)
    page.snap("back-online")
    with requests_for(path) as reached_server:
        page.reload()  # online, the page comes from the server, with every answer on it
        page.wait_for_selector("#save-state[data-state=saved]")
        assert page.locator("#navigator .nav-item.answered").count() == 4
    assert reached_server == ["GET"]
    shown = {r.position: r.option_order for r in attempt.responses.all()}
    assert saved_answers(attempt) == {
        1: [shown[1][2]],
        2: [shown[2][0]],
        3: [shown[3][0]],
        4: [shown[4][3]],
    }

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector(".by-chapter")
    page.snap("result")
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.score is not None
    assert page.inner_text("[data-score]").startswith(str(attempt.score))
    assert page.locator(".by-chapter tbody tr").count() >= 2
    assert page.evaluate(KEPT) is None  # the submitted attempt is no longer kept

    page.click("#logout-form button")  # on a shared computer
    page.wait_for_url(f"{demo}/")
    page.wait_for_selector("a[href='/accounts/login/']")
    kept = page.evaluate("caches.keys()")
    assert not [name for name in kept if name.startswith("qihang-attempts-")]
    stored = page.evaluate("Object.keys(localStorage)")
    assert not [key for key in stored if key.startswith("qihang-attempt-")]
