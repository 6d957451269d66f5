"""The foundation as people use it: a candidate studies, a trainer publishes, in Chinese."""

import re

import pytest
from django.db.models import Sum

from courses.models import CoursePage, LessonPage, LessonProgress, StudyTime
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_candidate_enrols_reads_completes_and_sees_progress(page, demo, settings):
    settings.HEARTBEAT_INTERVAL_SECONDS = 1  # the page beats every second instead of every 30 s
    log_in(page, demo, "candidate")
    page.snap("my-learning")
    page.click("text=课程")
    page.click("text=初级社会工作综合能力 备考精讲")
    page.snap("course")
    page.click("text=报名学习本课程")
    page.click("a.button.primary")  # start the first lesson
    page.wait_for_selector("article.lesson-body")
    first_title = page.inner_text("article.lesson-body h1")
    assert len(page.inner_text("article.lesson-body")) > 800  # a real lesson to read
    page.mouse.move(200, 300)  # an active reader
    page.wait_for_timeout(3500)
    page.mouse.move(220, 320)
    page.snap("lesson")
    studied = StudyTime.objects.filter(user__username="candidate").aggregate(s=Sum("seconds"))["s"]
    assert studied and studied >= 2  # the open lesson's heartbeats were credited
    page.click("[data-lesson-state=incomplete]")
    page.wait_for_selector("article.lesson-body h1")
    assert page.inner_text("article.lesson-body h1") != first_title  # moved on to the next
    page.snap("next-lesson")

    course = CoursePage.objects.get(slug="junior-comprehensive")
    page.goto(demo + course.url)
    total = LessonPage.objects.live().descendant_of(course).count()
    progress = page.inner_text("[data-progress]")
    assert f"1/{total}" in progress.replace(" ", "") or str(100 // total) + "%" in progress
    assert page.locator(".outline .state.done").count() == 1
    page.snap("progress")
    assert LessonProgress.objects.filter(user__username="candidate").count() == 1
    page.click("text=我的学习")
    assert "初级社会工作综合能力 备考精讲" in page.inner_text("main")


def test_trainer_edits_and_publishes_a_lesson_in_chinese(page, demo):
    lesson = (
        LessonPage.objects.descendant_of(CoursePage.objects.get(slug="junior-practice"))
        .order_by("path")
        .first()
    )
    log_in(page, demo, "trainer")
    page.goto(f"{demo}/admin/pages/{lesson.pk}/edit/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.snap("editor")
    page.fill("#id_title", "接案：建立专业关系的第一步（修订）")
    page.click(
        ".w-dropdown-button button[aria-label='更多操作'], .w-dropdown-button .w-dropdown__toggle"
    )
    page.click("button[name='action-publish']")
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    page.snap("published")
    lesson.refresh_from_db()
    assert lesson.title == "接案：建立专业关系的第一步（修订）"
    assert lesson.live and not lesson.has_unpublished_changes
