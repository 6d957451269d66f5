"""Qihang's own templates hold no inline script, event handler or style attribute: the Content
Security Policy would block them (script-src and style-src 'self'). Data for scripts goes in
``type="application/json"`` blocks (``json_script``), which are never run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["lms", "courses", "quizzes", "certificates", "institutions", "fixtures"]
# Sources for WeasyPrint's PDFs, never served to a browser.
PDF_TEMPLATES = {"certificates/transcript.html", "reporting/report.html"}

TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
TAG = re.compile(r"<[a-z][^<>]*>", re.I)
HANDLER_OR_STYLE = re.compile(r"\s(on[a-z]+|style)\s*=", re.I)


def own_templates():
    for app in APPS:
        for path in (ROOT / app).rglob("templates/**/*.html"):
            name = path.as_posix().split("/templates/", 1)[1]
            if name not in PDF_TEMPLATES:
                yield name, path


def problems(html: str) -> list[str]:
    text = TEMPLATE_TAGS.sub(" ", html)
    found = []
    for match in SCRIPT.finditer(text):
        attributes = match.group(1)
        if "src=" not in attributes and "application/json" not in attributes:
            found.append(match.group(0))
    for tag in TAG.finditer(text):
        if HANDLER_OR_STYLE.search(tag.group(0)):
            found.append(tag.group(0))
    return found


def test_the_scan_finds_what_the_policy_blocks():
    assert problems("<script>alert(1)</script>")
    assert problems('<button onclick="go()">')
    assert problems('<span style="width: {{ p }}%">')
    assert problems('<div class="x"\n     onload="x()">')
    assert not problems("<script src=\"{% static 'a.js' %}\" defer></script>")
    assert not problems('<script id="data" type="application/json">{}</script>')
    assert not problems("{% blocktranslate with done=n %}{{ done }} done{% endblocktranslate %}")


def test_own_templates_have_no_inline_scripts_handlers_or_styles():
    templates = dict(own_templates())
    assert "base.html" in templates and "quizzes/attempt.html" in templates
    found = {
        name: problems(path.read_text(encoding="utf-8"))
        for name, path in templates.items()
        if problems(path.read_text(encoding="utf-8"))
    }
    assert found == {}
