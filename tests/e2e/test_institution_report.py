"""An institution admin opens the training statistics, asks for the XLSX report, waits while
the Celery worker builds it, downloads it and opens it: their own people only."""

import io
import os
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.mark.skipif(
    not os.environ.get("QIHANG_WORKER_MAIL_DIR"),
    reason="needs the Celery worker started by `make test`",
)
def test_institution_admin_downloads_and_opens_the_xlsx_report(page, demo):
    log_in(page, demo, "inst_admin")
    page.click("nav.site-nav >> text=培训统计")
    page.wait_for_selector("h1:has-text('东湖区')")
    assert page.locator(".chart img[src^='data:image/svg+xml']").count() == 4
    page.snap("dashboard")

    page.click("nav.subnav >> text=报告与导出")
    page.select_option("select[name=format]", "xlsx")
    page.click("button:has-text('生成文件')")
    link = page.locator("[data-role=download] a")
    link.wait_for(state="visible", timeout=60_000)  # the worker builds it; the page polls
    page.snap("report-ready")
    with page.expect_download() as download:
        link.click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames[:3] == ["概要", "下属单位", "人员"]
    people = {row[0] for row in workbook["人员"].iter_rows(min_row=2, values_only=True)}
    assert "王磊" in people  # the demo civil servant of 东湖区民政局
    assert "张晓晴" not in people  # 西山区's candidate is not theirs
