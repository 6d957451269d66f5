"""Pages with their own scripts and pictures work under the Content Security Policy: the API
docs (Swagger UI from our static files), a dashboard's charts, and the Wagtail admin's page
preview (a same-origin frame). The page fixture fails a test on anything the policy blocks."""

import pytest

from courses.models import LessonPage
from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_the_api_docs_render_from_our_own_files(page, demo):
    page.goto(f"{demo}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.snap("api-docs")


def test_a_dashboard_shows_its_charts(page, demo):
    log_in(page, demo, "city_admin")
    page.goto(f"{demo}/institutions/")
    charts = page.locator("figure.chart img")
    assert charts.count() >= 1
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('figure.chart img'))"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    page.snap("dashboard")


def test_the_admin_previews_a_lesson_in_its_frame(page, demo):
    log_in(page, demo, "trainer")
    lesson = LessonPage.objects.live().first()
    page.goto(f"{demo}/admin/pages/{lesson.pk}/edit/")
    page.click("[data-side-panel-toggle=preview]")
    frame = page.frame_locator("iframe#w-preview-iframe")
    frame.locator("article.lesson-body h1").wait_for(timeout=30_000)
    page.snap("preview")
