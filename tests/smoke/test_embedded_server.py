"""Start the embedded default (SQLite, in-process tasks, demo data) and use it over HTTP."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "CELERY_BROKER_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
        }
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--verbosity", "0"], ["load_demo"]):
        subprocess.run(
            manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_home_page_and_a_lesson(server):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    home = opener.open(server + "/").read().decode()
    assert "启航" in home and "新录用公务员社会工作轮训" in home

    login_page = opener.open(server + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urllib.parse.urlencode(
        {"username": "civil_servant", "password": "qihang-demo", "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        server + "/accounts/login/", data=form, headers={"Referer": server + "/accounts/login/"}
    )
    learning = opener.open(request).read().decode()
    assert "我的学习" in learning and "新录用公务员社会工作轮训" in learning

    course = opener.open(server + "/courses/rotation-training/").read().decode()
    lesson_url = re.search(r'href="(/courses/rotation-training/[^"]+/[^"]+/)"', course).group(1)
    lesson = opener.open(server + lesson_url).read().decode()
    assert "标记为已完成" in lesson
    assert "data-heartbeat-url" in lesson
