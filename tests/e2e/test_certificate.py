"""A civil servant finishes the rotation training, the Celery worker issues the certificate at
once, the PDF downloads, and its QR code opens the verification page showing "valid"."""

import os
import random
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp

from certificates.models import Certificate
from courses import services as course_services
from courses.models import CoursePage, LessonPage, ModulePage
from quizzes.models import Quiz
from quizzes.services import attempts as attempt_services
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _pass(user, quiz):
    attempt, _ = attempt_services.attempt_start(user=user, quiz=quiz, rng=random.Random(1))
    for response in attempt.responses.select_related("version"):
        key = [o["id"] for o in response.version.options if o["correct"]]
        attempt_services.response_save(
            user=user, attempt_id=attempt.pk, position=response.position, answer=key, seq=1
        )
    attempt_services.attempt_submit(attempt=attempt)


@pytest.mark.skipif(
    not os.environ.get("QIHANG_WORKER_MAIL_DIR"),
    reason="needs the Celery worker started by `make test`",
)
def test_civil_servant_earns_downloads_and_verifies_the_certificate(page, demo):
    course = CoursePage.objects.get(slug="rotation-training")
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    user = course.enrollments.get(user__username="civil_servant").user  # enrolled by load_demo
    last_lesson = LessonPage.objects.live().descendant_of(course).order_by("path").last()
    for module in modules:  # everything but the last lesson and the last assessment
        for lesson in LessonPage.objects.live().descendant_of(module).order_by("path"):
            if lesson.pk != last_lesson.pk:
                course_services.lesson_complete(user=user, lesson=lesson)
        if module != modules[-1]:
            _pass(user, Quiz.objects.get(module=module))

    log_in(page, demo, user.username)
    page.goto(demo + last_lesson.url)
    page.click("[data-lesson-state=incomplete]")
    page.goto(demo + course.url)
    page.click(f"#module-{modules[-1].pk} .assessment button")
    page.wait_for_selector("#question .option")
    quiz = Quiz.objects.get(module=modules[-1])
    attempt = quiz.attempts.get(user=user)
    for response in attempt.responses.select_related("version").order_by("position"):
        page.click(f"#navigator .nav-item >> nth={response.position - 1}")
        for option_id in response.option_order:
            correct = next(o for o in response.version.options if o["id"] == option_id)["correct"]
            if correct:
                index = response.option_order.index(option_id)
                page.click(f"#question .option >> nth={index}")
    page.wait_for_selector("#save-state[data-state=saved]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit")
    page.wait_for_selector(".score")
    page.snap("assessment-passed")

    page.goto(f"{demo}/certificates/")
    for _ in range(60):  # the worker issues it within seconds of the course's completion
        if page.locator("[data-serial]").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    page.snap("my-certificates")
    certificate = Certificate.objects.get(holder=user)
    assert page.locator(f"[data-serial='{certificate.serial}']").count() == 1

    with page.expect_download() as download:
        page.click(f"[data-serial='{certificate.serial}'] a[href$='/pdf/']")
    pdf = pypdfium2.PdfDocument(Path(download.value.path()).read_bytes())
    text = pdf[0].get_textpage().get_text_range()
    assert user.real_name in text and certificate.serial in text
    [qr] = zxingcpp.read_barcodes(pdf[0].render(scale=3).to_pil())
    path = urlsplit(qr.text).path
    assert path == f"/certificates/verify/{certificate.code}/"

    page.goto(demo + path)
    page.snap("verified")
    assert page.locator("[data-verify-state=valid]").count() == 1
    facts = page.inner_text(".verify")
    assert user.real_name not in facts and user.real_name[0] + "*" in facts  # masked
