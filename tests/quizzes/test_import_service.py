"""Importing and exporting question banks: syllabus checks, atomicity, re-import, commands."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from quizzes.formats import aiken, gift, xlsx
from quizzes.formats.base import MAX_FILE_BYTES
from quizzes.models import (
    Attempt,
    Question,
    QuestionBank,
    QuestionOption,
    QuestionVersion,
    Quiz,
    Response,
)
from quizzes.services.imports import (
    format_detect,
    import_progress,
    questions_export,
    questions_import,
)
from quizzes.services.regrade import regrade_with_corrected_key
from tests.factories import ChapterFactory, KnowledgePointFactory, SubjectFactory, UserFactory
from tests.quizzes.test_import_formats import QUESTIONS, copies


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def syllabus(db):
    subject = SubjectFactory(code="J-CA")
    chapter = ChapterFactory(subject=subject, number=3)
    other = ChapterFactory(subject=subject, number=4)
    KnowledgePointFactory(chapter=chapter, code="J-CA-03-02")
    KnowledgePointFactory(chapter=chapter, code="J-CA-03-03")
    KnowledgePointFactory(chapter=other, code="J-CA-04-01")
    return subject


@pytest.fixture
def bank(syllabus):
    return QuestionBank.objects.create(name="实务题库", subject=syllabus)


@pytest.fixture
def trainer(db):
    return UserFactory(role="trainer")


def run(data, filename, bank, dry_run=False, fmt=None, actor=None, job=None):
    return questions_import(
        data=data, filename=filename, fmt=fmt, bank=bank, actor=actor, dry_run=dry_run, job=job
    )


GIFT = """// 考点: J-CA-03-02
社会工作者小王在接案阶段，首先应当{=建立专业关系#对 ~制定服务计划#错 ~开展介入}

// 章节: J-CA-03
// 考点: J-CA-03-03
下列属于小组工作模式的有{~%50%社会目标模式 ~%50%治疗模式 ~%-100%危机介入模式}

社会工作者可以替服务对象做决定。{F}

Two plus two {#4}
"""


def test_a_gift_file_creates_published_frozen_questions(bank, trainer):
    report = run(
        GIFT.replace("社会工作者可以", "// 考点: J-CA-04-01\n社会工作者可以").encode(),
        "bank.gift",
        bank,
        actor=trainer,
        job="j1",
    )
    assert report.errors == []
    assert report.applied
    assert report.counts == {"create": 3, "update": 0, "unchanged": 0, "skipped": 1, "errors": 0}
    assert [(s.line, "Numeric" in s.message) for s in report.skipped] == [(11, True)]
    questions = list(Question.objects.order_by("pk"))
    assert [q.status for q in questions] == ["published"] * 3
    assert all(q.current_version and q.current_version.created_by == trainer for q in questions)
    assert questions[0].chapter.code == "J-CA-03"  # from its knowledge point
    assert questions[2].chapter.code == "J-CA-04"
    assert [o.explanation for o in questions[0].options.all()] == ["对", "错", ""]
    assert all(q.ref.startswith("h-") for q in questions)
    assert import_progress("j1") == {"done": 3, "total": 3}


def test_reimporting_the_same_file_does_not_duplicate(bank):
    data = GIFT.replace("社会工作者可以", "// 考点: J-CA-04-01\n社会工作者可以").encode()
    run(data, "bank.gift", bank)
    versions = QuestionVersion.objects.count()
    report = run(data, "bank.gift", bank)
    assert report.counts["unchanged"] == 3
    assert report.counts["create"] == 0
    assert Question.objects.count() == 3
    assert QuestionVersion.objects.count() == versions


def test_a_changed_question_with_a_ref_is_updated_in_place(bank):
    data = gift.write(copies())
    assert run(data, "bank.gift", bank).counts["create"] == 4
    first = Question.objects.get(ref="Q-0001")
    option_ids = [o.pk for o in first.options.all()]
    changed = copies()
    changed[0].options[1].explanation = "改过的解析"
    changed[0].difficulty = 5
    report = run(gift.write(changed), "bank.gift", bank)
    assert report.counts == {"create": 0, "update": 1, "unchanged": 3, "skipped": 0, "errors": 0}
    first.refresh_from_db()
    assert first.difficulty == 5
    assert [o.pk for o in first.options.all()] == option_ids  # versions keep pointing at them
    assert first.current_version.number == 2
    assert Question.objects.count() == 4


def test_one_bad_question_and_nothing_is_written(bank):
    rows = copies()
    rows[2].knowledge_point_codes = ["J-CA-99-99"]
    data = xlsx.write(rows)
    before = (Question.objects.count(), QuestionOption.objects.count())
    report = run(data, "bank.xlsx", bank)
    assert not report.applied
    assert [(e.line, e.message) for e in report.errors] == [
        (4, "Knowledge point codes not in the syllabus: J-CA-99-99.")
    ]
    assert report.describe(report.errors[0]).startswith("bank.xlsx, row 4: ")
    assert (Question.objects.count(), QuestionOption.objects.count()) == before


@pytest.mark.parametrize(
    ("meta", "words"),
    [
        ("// 章节: J-XX-01\n", "Chapter code not in the syllabus: J-XX-01"),
        ("", "Give the question a chapter or knowledge point code"),
        ("// 章节: J-CA-04\n// 考点: J-CA-03-02\n", "not in chapter J-CA-04"),
    ],
)
def test_syllabus_errors_name_the_line(bank, meta, words):
    data = f"// first\n{meta}社会工作的首要任务{{=接案 ~结案}}\n".encode()
    report = run(data, "x.gift", bank)
    assert [e.line for e in report.errors] == [2 + meta.count("\n")]
    assert words in report.errors[0].message
    assert Question.objects.count() == 0


def test_content_rules_are_errors_with_the_row(bank):
    rows = copies()
    rows[1].options[3].correct = rows[1].options[4].correct = True  # all five correct
    report = run(xlsx.write(rows), "bank.xlsx", bank)
    assert [e.line for e in report.errors] == [3]
    assert "at least one wrong option" in report.errors[0].message


def test_a_bank_of_another_subject_refuses_the_chapter(bank, syllabus):
    other = QuestionBank.objects.create(name="综合题库", subject=SubjectFactory(code="J-ZH"))
    report = run(gift.write(copies()), "x.gift", other)
    assert report.errors
    assert "not in the subject of the bank" in report.errors[0].message


def test_a_ref_of_another_bank_is_an_error(bank):
    run(gift.write(copies()), "x.gift", bank)
    other = QuestionBank.objects.create(name="另一个题库")
    report = run(gift.write(copies()), "x.gift", other)
    assert "belongs to a question of the bank 实务题库" in report.errors[0].message


def test_the_same_ref_twice_is_an_error(bank):
    rows = copies()
    rows[1].ref = rows[0].ref
    report = run(xlsx.write(rows), "bank.xlsx", bank)
    assert [e.line for e in report.errors] == [3]
    assert "appears twice" in report.errors[0].message


def test_a_dry_run_writes_nothing_and_says_what_would_happen(bank):
    report = run(gift.write(copies()), "x.gift", bank, dry_run=True)
    assert report.ok
    assert not report.applied
    assert [(line.line, line.action) for line in report.lines] == [
        (9, "create"),
        (22, "create"),
        (32, "create"),
        (41, "create"),
    ] or [line.action for line in report.lines] == ["create"] * 4
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"x" * (MAX_FILE_BYTES + 1), "big.gift", "larger than 20 MB"),
        (b"", "empty.gift", "no question"),
        (b"hello", "bank.pdf", "Choose the format"),
        (b"\xff\xfe\x00\x01", "bad.gift", "not a text file"),
        ("题{=对 ~错}".encode()[:-2], "cut.gift", "truncated"),
        (b"PK\x03\x04 not really", "x.xlsx", "not an Excel workbook"),
    ],
)
def test_bad_files_are_clear_errors(bank, data, name, words):
    report = run(data, name, bank)
    assert report.errors
    assert words in report.errors[0].message
    assert Question.objects.count() == 0


def test_format_detection():
    assert format_detect(data=b"<quiz><question/></quiz>", filename="x.xml") == "moodle_xml"
    qti = b'<?xml version="1.0"?>\n<qti-assessment-item xmlns="http://www.imsglobal.org">'
    assert format_detect(data=qti, filename="x.xml") == "qti"
    assert format_detect(data=b"<assessmentItem identifier='a'>", filename="x.XML") == "qti"
    assert format_detect(data=b"Q\nA. a\nB. b\nANSWER: A\n", filename="x.txt") == "aiken"
    assert format_detect(data=b"Q {=a ~b}\n", filename="x.txt") == "gift"
    assert format_detect(data=b"", filename="x.xlsx") == "xlsx"


@pytest.mark.parametrize("fmt", ["xlsx", "gift", "aiken"])
def test_export_then_import_gives_back_the_same_questions(bank, fmt):
    run(xlsx.write(copies()), "bank.xlsx", bank)
    exported = questions_export(questions=Question.objects.order_by("ref"), fmt=fmt)
    report = run(exported, f"again.{fmt}".replace(".aiken", ".txt"), bank, fmt=fmt)
    assert report.errors == []
    expected = 2 if fmt == "aiken" else 4  # Aiken carries single choice and true-or-false only
    assert report.counts["unchanged"] == expected
    assert report.counts["create"] == report.counts["update"] == 0
    module = {"xlsx": xlsx, "gift": gift, "aiken": aiken}[fmt]
    again = module.parse(exported, "x")
    first = next(q for q in again.questions if q.ref == "Q-0001")
    assert first.stem == QUESTIONS[0].stem
    assert first.knowledge_point_codes == QUESTIONS[0].knowledge_point_codes
    if fmt != "aiken":
        assert first.options[0].explanation == "接案阶段的首要任务。"


def test_the_import_command(bank, tmp_path, capsys):
    path = tmp_path / "bank.gift"
    path.write_bytes(gift.write(copies()))
    call_command("import_questions", str(path), "--bank", "实务题库", "--dry-run")
    assert "4 to create" in capsys.readouterr().out
    assert Question.objects.count() == 0
    call_command("import_questions", str(path), "--bank", "新题库")
    assert Question.objects.filter(bank__name="新题库").count() == 4
    out = capsys.readouterr().out
    assert "done" in out


def test_the_import_command_fails_with_the_line_and_writes_nothing(bank, tmp_path, capsys):
    rows = copies()
    rows[3].knowledge_point_codes = ["NOPE"]
    path = tmp_path / "bank.gift"
    path.write_bytes(gift.write(rows))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_questions", str(path), "--bank", "新题库")
    assert "bank.gift, line" in capsys.readouterr().err
    assert Question.objects.count() == 0
    assert not QuestionBank.objects.filter(name="新题库").exists()


def test_the_export_command(bank, tmp_path, capsys):
    run(gift.write(copies()), "x.gift", bank)
    path = tmp_path / "out.xlsx"
    call_command("export_questions", str(path), "--bank", "实务题库", "--chapter", "J-CA-03")
    assert "4 questions in xlsx" in capsys.readouterr().out
    assert len(xlsx.parse(path.read_bytes(), "out.xlsx").questions) == 4


def test_a_failure_while_writing_rolls_everything_back(bank, monkeypatch):
    from django.core.exceptions import ValidationError

    import quizzes.services.imports as imports

    calls = []
    real = imports.question_version_sync

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ValidationError("boom")
        return real(**kwargs)

    monkeypatch.setattr(imports, "question_version_sync", failing)
    report = run(gift.write(copies()), "x.gift", bank)
    assert len(calls) == 3
    assert not report.applied
    assert report.errors[0].message == "boom"
    assert Question.objects.count() == QuestionOption.objects.count() == 0


def test_a_file_that_corrects_a_key_updates_the_question_and_rescores_past_answers(
    bank, trainer, django_capture_on_commit_callbacks
):
    wrong = "// 考点: J-CA-03-02\n接案阶段首先应当{~建立专业关系 =制定服务计划 ~开展介入}\n"
    right = "// 考点: J-CA-03-02\n接案阶段首先应当{=建立专业关系 ~制定服务计划 ~开展介入}\n"
    run(wrong.encode(), "bank.gift", bank, actor=trainer)
    question = Question.objects.get()
    quiz = Quiz.objects.create(title="练习", kind="practice", subject=bank.subject)
    learner = UserFactory(role="candidate")
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=learner,
        number=1,
        state="submitted",
        started_at=timezone.now(),
        submitted_at=timezone.now(),
        max_score=1,
        score=0,
    )
    chosen = next(o["id"] for o in question.current_version.options if o["text"] == "建立专业关系")
    Response.objects.create(
        attempt=attempt,
        position=1,
        version=question.current_version,
        max_points=1,
        answer=[chosen],
        points=0,
    )
    with django_capture_on_commit_callbacks() as queued:
        report = run(right.encode(), "bank.gift", bank, actor=trainer)
    assert report.counts["update"] == 1 and Question.objects.count() == 1  # not a second copy
    assert len(queued) == 1  # the regrade of the past answer, queued as the admin would
    regrade_with_corrected_key(version_id=Question.objects.get().current_version_id)
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_reimporting_does_not_bring_back_a_retired_question(bank):
    data = GIFT.replace("社会工作者可以", "// 考点: J-CA-04-01\n社会工作者可以").encode()
    assert run(data, "bank.gift", bank).counts["create"] == 3
    Question.objects.update(status="retired")
    report = run(data, "bank.gift", bank)
    assert report.counts["create"] == 0
    assert set(Question.objects.values_list("status", flat=True)) == {"retired"}


def test_a_database_outage_while_applying_leaves_the_import_to_be_applied_again(
    bank, trainer, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import OperationalError

    from quizzes.services import import_jobs

    upload = SimpleUploadedFile("bank.gift", GIFT.encode())
    job = import_jobs.question_import_create(user=trainer, upload=upload, fmt="gift", bank=bank)
    job.state = "applying"
    job.save()

    def away(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(import_jobs, "_run", away)
    with pytest.raises(OperationalError):
        import_jobs.question_import_apply(import_id=job.pk)
    job.refresh_from_db()
    assert job.state == "applying"  # the task's retry applies it, not a failed import
