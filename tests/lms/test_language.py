"""Chinese by default; English complete and switchable per user and per request."""

import re

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client, course):
    html = client.get("/courses/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "Log in" not in html


def test_english_per_request(client, course):
    html = client.get("/courses/?lang=en").content.decode()
    assert '<html lang="en">' in html and "Log in" in html


def test_english_by_accept_language_header(client, course):
    html = client.get("/courses/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in html


def test_user_preference_wins_over_browser(login, course):
    user = UserFactory(role="candidate", preferred_language="en")
    client = login(user)
    html = client.get("/learning/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "My learning" in html and "我的学习" not in html


def test_switching_language_is_remembered_on_the_account(login, candidate, course):
    client = login(candidate)
    response = client.post("/language/", {"language": "en", "next": "/learning/"})
    assert response["Location"] == "/learning/"
    candidate.refresh_from_db()
    assert candidate.preferred_language == "en"
    assert "My learning" in client.get("/learning/").content.decode()
    client.post("/language/", {"language": "zh-hans", "next": "/learning/"})
    assert "我的学习" in client.get("/learning/").content.decode()


def test_language_switch_ignores_foreign_redirects(client, db):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_admin_follows_the_users_language(client, db):
    admin = UserFactory(role="city_admin", preferred_language="en")
    client.login(username=admin.username, password=PASSWORD)
    assert "Dashboard" in client.get("/admin/").content.decode()
    from lms.services import user_language_set

    user_language_set(user=admin, language="zh-hans")
    assert "控制面板" in client.get("/admin/").content.decode()


def test_api_errors_are_translated(api, candidate):
    api.force_authenticate(candidate)
    zh = api.patch("/api/v1/me/", {"exam_date": "nope"}, format="json")
    en = api.patch("/api/v1/me/", {"exam_date": "nope"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "Date has wrong format" in en.json()["errors"]["exam_date"][0]
    assert "日期格式错误" in zh.json()["errors"]["exam_date"][0]


def test_syllabus_names_follow_the_language(client, db):
    from tests.factories import ChapterFactory

    chapter = ChapterFactory(name="个案社会工作服务方法", name_en="Casework")
    from django.utils import translation

    with translation.override("en"):
        assert chapter.display_name == "Casework"
    with translation.override("zh-hans"):
        assert chapter.display_name == "个案社会工作服务方法"


def _po_entries(text: str):
    """(flags, {keyword: text}) for each entry of a .po file."""
    for block in text.split("\n\n"):
        flags = [line for line in block.splitlines() if line.startswith("#,")]
        parts: dict[str, str] = {}
        keyword = None
        for line in block.splitlines():
            match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                keyword = match.group(1)
                parts[keyword] = match.group(2)
            elif line.startswith('"') and keyword:
                parts[keyword] += line[1:-1]
        if parts.get("msgid"):
            yield flags, parts


def test_every_message_has_a_chinese_translation(settings):
    """English is the source; every message of the catalogue has its Chinese text."""
    catalogue = settings.BASE_DIR / "lms" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    entries = list(_po_entries(catalogue.read_text(encoding="utf-8")))
    assert len(entries) > 100
    untranslated = [
        parts["msgid"]
        for flags, parts in entries
        if any("fuzzy" in flag for flag in flags)
        or any(not value for key, value in parts.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []
