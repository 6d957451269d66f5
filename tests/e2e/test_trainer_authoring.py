"""A trainer writes new material in the Wagtail admin, in Chinese: a lesson that candidates then
read, and a question that joins the bank."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Chapter, CoursePage, LessonPage, ModulePage
from quizzes.models import Question, QuestionBank
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

LESSON_TITLE = "个案管理中的资源链接"
LESSON_TEXT = "资源链接是个案管理的核心环节：社会工作者评估服务对象的需要，协调正式与非正式资源。"
STEM = "社会工作者在个案会谈中复述服务对象的话并确认其感受，运用的是哪种技巧？"
OPTIONS = [("同理心", True), ("对质", False), ("建议", False), ("自我表露", False)]


def type_rich_text(page, field, text):
    """Type into the Draftail editor of ``field`` (a rich text field or a stream's block)."""
    editor = page.locator(f"[data-contentpath={field}] [contenteditable=true]").first
    editor.click()
    expect(editor).to_be_focused(timeout=15_000)
    page.keyboard.type(text)
    expect(editor).to_have_text(text, timeout=15_000)  # the editor took every keystroke
    # Draftail copies its content into the form's hidden input a moment later; wait for it.
    page.wait_for_function(
        """([field, text]) => Array.from(
            document.querySelectorAll(`[data-contentpath=${field}] input[type=hidden]`)
        ).some((input) => input.value.includes(text))""",
        arg=[field, text],
    )


def publish(page):
    page.click("footer .w-dropdown__toggle")  # the publish action sits under the save button
    page.click("button[name='action-publish']")


def choose_in_modal(page, field, chosen_path):
    page.click(f"[data-contentpath={field}] .chooser__choose-button")
    page.click(f".modal-dialog a[data-chooser-modal-choice][href$='{chosen_path}']")
    page.wait_for_selector(".modal-dialog", state="hidden")


def test_trainer_adds_a_lesson_that_candidates_then_read(page, demo):
    course = CoursePage.objects.get(slug="junior-practice")
    module = ModulePage.objects.child_of(course).order_by("path").first()
    log_in(page, demo, "trainer")
    page.goto(f"{demo}/admin/pages/{module.pk}/add_subpage/")
    # A module takes lessons only, so Wagtail goes straight to the new lesson's form.
    page.wait_for_url(re.compile(rf"/admin/pages/add/courses/lessonpage/{module.pk}/$"))
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.fill("#id_title", LESSON_TITLE)
    page.click("[data-contentpath=body] .c-sf-add-button")
    page.click(".w-combobox__option:has-text('段落')")
    type_rich_text(page, "body", LESSON_TEXT)
    page.snap("lesson-written")
    publish(page)
    page.wait_for_url(re.compile(rf"/admin/pages/{module.pk}/$"))
    assert "已创建并发布" in page.inner_text(".messages")
    page.snap("lesson-published")

    lesson = LessonPage.objects.child_of(module).get(title=LESSON_TITLE)
    assert lesson.live and not lesson.has_unpublished_changes
    assert LESSON_TEXT in str(lesson.body)

    page.context.clear_cookies()
    log_in(page, demo, "candidate")
    page.goto(demo + course.url)
    assert LESSON_TITLE in page.inner_text(f"#module-{module.pk} .outline")
    page.click("text=报名学习本课程")
    page.click(f"#module-{module.pk} .outline a:has-text('{LESSON_TITLE}')")
    page.wait_for_selector("article.lesson-body")
    assert page.inner_text("article.lesson-body h1") == LESSON_TITLE
    assert LESSON_TEXT in page.inner_text("article.lesson-body")
    page.snap("lesson-read")


def test_trainer_adds_a_published_question_to_the_bank(page, demo):
    bank = QuestionBank.objects.get(subject__code="J-CA")
    chapter = Chapter.objects.get(code="J-CA-06")
    point = chapter.knowledge_points.order_by("code").first()
    log_in(page, demo, "trainer")
    page.goto(f"{demo}/admin/snippets/quizzes/question/add/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    choose_in_modal(page, "bank", f"/quizzes/questionbank/chosen/{bank.pk}/")
    choose_in_modal(page, "chapter", f"/courses/chapter/chosen/{chapter.pk}/")
    page.select_option("#id_type", "single_choice")
    page.select_option("#id_status", "published")
    page.select_option("#id_knowledge_points", str(point.pk))
    type_rich_text(page, "stem", STEM)
    for index, (text, correct) in enumerate(OPTIONS):
        page.click("#id_options-ADD")
        page.fill(f"#id_options-{index}-text", text)
        if correct:
            page.check(f"#id_options-{index}-is_correct")
        page.fill(
            f"#id_options-{index}-explanation",
            "复述并确认感受，正是同理。" if correct else "与题意不符。",
        )
    type_rich_text(
        page, "explanation", "同理心要求社会工作者理解服务对象的感受，并把这种理解传达给对方。"
    )
    page.fill("#id_ref", "J-CA-06-E2E")
    page.snap("question-written")
    page.click("footer button[type=submit]:not([name])")  # 保存
    page.wait_for_url(re.compile(r"/admin/snippets/quizzes/question/$"))
    assert "已创建" in page.inner_text(".messages")
    page.snap("question-saved")

    question = Question.objects.get(ref="J-CA-06-E2E")
    assert question.bank == bank and question.chapter == chapter
    assert list(question.knowledge_points.all()) == [point]
    assert question.type == "single_choice" and question.status == "published"
    assert STEM in question.stem
    # Published means frozen in a version, which is what attempts draw: with the right key.
    version = question.current_version
    assert version is not None and STEM in version.stem
    assert [o["text"] for o in version.options if o["correct"]] == ["同理心"]
    assert version.knowledge_point_ids == [point.pk]

    page.goto(f"{demo}/admin/snippets/quizzes/question/?chapter={chapter.pk}&q=J-CA-06-E2E")
    row = page.locator("table tbody tr", has_text="J-CA-06-E2E")
    assert STEM[:20] in row.inner_text() and "已发布" in row.inner_text()
    page.snap("question-listed")
