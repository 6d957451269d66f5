"""No script runs from a stem or an explanation, whoever wrote it: every import format, the
Wagtail admin, the services, and versions stored before the allow-list existed."""

import json
import random

import pytest
from django.utils import translation

from quizzes.formats import aiken, gift, moodle_xml, qti, xlsx
from quizzes.formats.base import ImportedOption, ImportedQuestion
from quizzes.models import Question, QuestionBank, QuestionVersion, Quiz
from quizzes.services import attempts as attempt_services
from quizzes.services.imports import questions_import
from quizzes.services.questions import question_version_sync
from tests.factories import PASSWORD, ChapterFactory, SubjectFactory, UserFactory, question

pytestmark = pytest.mark.django_db

HOSTILE_STEM = (
    '<p onclick="steal()">社会工作者<b>小王</b>首先应当<script>alert(1)</script>'
    '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">看这里</a>'
    '<iframe src="https://evil.example/"></iframe></p>'
)
HOSTILE_EXPLANATION = '<p>接案<script>alert(4)</script><a href="javascript:alert(5)">解析</a></p>'
SIGNS = ("<script", "alert(", "onerror", "onclick", "javascript:", "<iframe", "evil.example")


def _without_hostile(html: str) -> bool:
    return not any(sign in html for sign in SIGNS)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bank(db):
    subject = SubjectFactory(code="J-CA")
    ChapterFactory(subject=subject, number=3)
    return QuestionBank.objects.create(name="实务题库", subject=subject)


def _hostile(stem=HOSTILE_STEM) -> ImportedQuestion:
    return ImportedQuestion(
        line=1,
        type="single_choice",
        stem=stem,
        options=[ImportedOption("建立专业关系", True, "对"), ImportedOption("结案", False, "")],
        explanation=HOSTILE_EXPLANATION,
        chapter_code="J-CA-03",
    )


FORMATS = [(gift, "bank.gift"), (aiken, "bank.txt"), (xlsx, "bank.xlsx")]
FORMATS += [(moodle_xml, "bank.xml"), (qti, "bank.xml")]


@pytest.mark.parametrize(("module", "filename"), FORMATS, ids=lambda v: getattr(v, "NAME", v))
def test_every_import_format_stores_the_content_without_what_runs(bank, module, filename):
    report = questions_import(
        data=module.write([_hostile()]),
        filename=filename,
        fmt=module.NAME,
        bank=bank,
        actor=None,
        dry_run=False,
    )
    assert report.errors == [] and report.applied
    stored = Question.objects.get()
    version = stored.current_version
    for html in (stored.stem, stored.explanation, version.stem, version.explanation):
        assert _without_hostile(html), html
    assert "<b>小王</b>" in version.stem and "看这里" in version.stem
    if module is not aiken:  # Aiken files carry no explanations
        assert "接案" in version.explanation


def test_an_import_row_whose_stem_is_only_a_script_is_an_error_and_nothing_is_written(bank):
    fine = _hostile(stem="<p>社会工作者首先应当</p>")
    only_script = _hostile(stem="<script>alert(1)</script><iframe src='https://evil.example/'>")
    only_script.line = 2
    data = xlsx.write([fine, only_script])
    report = questions_import(
        data=data, filename="bank.xlsx", fmt="xlsx", bank=bank, actor=None, dry_run=False
    )
    assert not report.applied
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "The question text is empty once scripts and other unsafe HTML are removed.")
    ]
    assert Question.objects.count() == 0


def test_a_version_made_by_the_service_holds_cleaned_html(bank):
    """The path the API and any other writer take: the working copy saved as it came."""
    q = question(chapter=bank.subject.chapters.get(), bank=bank, status="draft")
    Question.objects.filter(pk=q.pk).update(
        stem=HOSTILE_STEM, explanation=HOSTILE_EXPLANATION, status="published"
    )
    q.refresh_from_db()
    version = question_version_sync(question=q)
    assert _without_hostile(version.stem) and _without_hostile(version.explanation)
    assert "看这里" in version.stem


def _admin_form(bank, chapter, stem_contentstate):
    data = {
        "bank": bank.pk,
        "type": "single_choice",
        "status": "published",
        "chapter": chapter.pk,
        "difficulty": 3,
        "source": "original",
        "stem": json.dumps(stem_contentstate),
        "explanation": json.dumps(stem_contentstate),
        "ref": "",
        "options-TOTAL_FORMS": 2,
        "options-INITIAL_FORMS": 0,
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "parts-TOTAL_FORMS": 0,
        "parts-INITIAL_FORMS": 0,
        "parts-MIN_NUM_FORMS": 0,
        "parts-MAX_NUM_FORMS": 1000,
    }
    for i, text in enumerate(['<img src=x onerror="alert(6)">甲', "乙"]):
        data[f"options-{i}-text"] = text
        data[f"options-{i}-explanation"] = "<script>alert(7)</script>"
        data[f"options-{i}-ORDER"] = i + 1
        data[f"options-{i}-DELETE"] = ""
    data["options-0-is_correct"] = "on"
    return data


def test_a_trainer_saving_markup_in_the_admin_gets_no_script_in_the_version(client, bank):
    trainer = UserFactory(role="trainer")
    bank.authors.add(trainer)
    client.login(username=trainer.username, password=PASSWORD)
    text = "题干 <script>alert(1)</script> 看这里"
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": text.index("看"), "length": 3, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {
            "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(3)"}}
        },
    }
    response = client.post(
        "/admin/snippets/quizzes/question/add/",
        _admin_form(bank, bank.subject.chapters.get(), contentstate),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = Question.objects.get().current_version
    assert "<script" not in version.stem and "javascript:" not in version.stem
    assert "看这里" in version.stem
    # Options and their explanations are plain text: kept as typed, shown escaped.
    q = Question.objects.get()
    preview = q.make_preview_request().content.decode()
    assert '<img src=x onerror="alert(6)">' not in preview
    assert "&lt;img src=x onerror=&quot;alert(6)&quot;&gt;甲" in preview
    assert "<script>alert(7)</script>" not in preview


def test_attempt_and_review_pages_show_no_script_from_versions_stored_before(client, bank):
    """A version stored raw (before the allow-list) is cleaned when it is shown."""
    chapter = bank.subject.chapters.get()
    for _ in range(3):
        question(chapter=chapter, bank=bank)
    QuestionVersion.objects.update(stem=HOSTILE_STEM, explanation=HOSTILE_EXPLANATION)
    quiz = Quiz.objects.create(
        title="章节练习",
        kind="practice",
        subject=bank.subject,
        question_count=3,
        show_keys="after_submit",
        show_score="after_submit",
    )
    quiz.chapters.set([chapter])
    learner = UserFactory()
    attempt, _created = attempt_services.attempt_start(
        user=learner, quiz=quiz, rng=random.Random(1)
    )
    client.login(username=learner.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    data = json.loads(page.split('id="attempt-data" type="application/json">')[1].split("</")[0])
    stems = [q["stem"] for q in data["questions"]]
    assert all(_without_hostile(stem) and "看这里" in stem for stem in stems)
    api = client.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert all(_without_hostile(q["stem"]) for q in api["questions"])

    attempt_services.attempt_submit(attempt=attempt)
    review = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "看这里" in review and "接案" in review
    assert _without_hostile(review.split('<div class="stem">', 1)[1].split("</main>")[0])


def test_a_version_stored_before_the_allow_list_is_not_frozen_again_for_cleaning_alone(bank):
    """Old rows stay as they are (versions are immutable) and are cleaned when shown; saving
    their question unchanged makes no new version."""
    q = question(chapter=bank.subject.chapters.get(), bank=bank)
    raw = "<p>题干<br/>第二行<script>alert(1)</script></p>"
    QuestionVersion.objects.filter(pk=q.current_version_id).update(stem=raw)
    Question.objects.filter(pk=q.pk).update(stem=raw)
    q.refresh_from_db()
    assert question_version_sync(question=q) is None
    assert q.versions.count() == 1
