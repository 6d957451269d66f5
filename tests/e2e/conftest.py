"""Browser tests: Playwright driving Debian's chromium against the live server and real database."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.steps = []  # (name, png bytes) taken along the way

    def snap(name):
        page.steps.append((name, page.screenshot(full_page=True)))

    page.snap = snap
    # Chromium reports what the Content Security Policy blocked on the console; any is a failure.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        for index, (name, png) in enumerate(page.steps, start=1):
            (folder / f"{index:02d}-{name}.png").write_bytes(png)
        page.screenshot(path=str(folder / "failure.png"), full_page=True)
    context.close()
    assert not violations, "blocked by the Content Security Policy:\n" + "\n".join(violations)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def demo(live_server):
    """The live server with the demo data loaded; its base URL."""
    call_command("load_demo", "--no-activity", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server.url
