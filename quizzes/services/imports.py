"""Importing and exporting question banks in the formats of ``quizzes.formats``.

An import is checked as a whole (format, syllabus codes, content rules, references) before
anything is written, and then written in one transaction: one bad row and nothing changes.
Questions are matched by ``ref`` (from the file, or a hash of the content when the file has
none), so importing the same file again updates or leaves questions alone instead of duplicating
them.
"""

import dataclasses
import re
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from courses.models import Chapter, KnowledgePoint
from lms.html import clean_html, html_is_empty
from quizzes.formats import registry
from quizzes.formats.base import MAX_FILE_BYTES, ExportedQuestion, ImportedOption, ImportedPart
from quizzes.formats.text import content_ref
from quizzes.models import (
    Question,
    QuestionBank,
    QuestionOption,
    QuestionPart,
    QuestionStatus,
)
from quizzes.services.import_report import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportReport,
    ReportLine,
    ReportProblem,
)
from quizzes.services.questions import question_content_errors, question_version_sync
from quizzes.services.regrade import regrade_schedule

PROGRESS_EVERY = 50
PROGRESS_SECONDS = 6 * 3600
_QTI_ROOT = re.compile(
    rb"<(?:[\w-]+:)?(assessmentItem|qti-assessment-item|assessmentTest|qti-assessment-test)\b"
)


def progress_key(job: str) -> str:
    return f"quizzes:question-import:{job}:progress"


def import_progress(job: str) -> dict:
    return cache.get(progress_key(job)) or {"done": 0, "total": 0}


def format_detect(*, data: bytes, filename: str) -> str | None:
    """The format of a file from its name, confirmed by a look inside where names are shared."""
    guessed = registry.guess_format(filename)
    head = data[:4096]
    if guessed == "moodle_xml" and _QTI_ROOT.search(head):
        return "qti"
    if guessed == "aiken" and not re.search(rb"^\s*ANSWER\s*[:\xef]", data, re.MULTILINE):
        return "gift" if b"{" in data else guessed
    return guessed


def _excerpt(html: str) -> str:
    text = " ".join(strip_tags(html).split())
    return text[:80] + ("…" if len(text) > 80 else "")


@dataclasses.dataclass
class _Planned:
    imported: object
    ref: str
    chapter: Chapter
    knowledge_points: list[KnowledgePoint]
    existing: Question | None
    action: str


def questions_import(
    *,
    data: bytes,
    filename: str,
    fmt: str | None,
    bank: QuestionBank,
    actor,
    dry_run: bool,
    job: str | None = None,
) -> ImportReport:
    """Check a question file and, unless ``dry_run`` or anything is wrong, write it atomically.

    ``job`` names a progress entry in the cache (``import_progress(job)``) for pages to poll.
    """
    report = ImportReport(filename=filename, dry_run=dry_run)
    if len(data) > MAX_FILE_BYTES:
        report.errors.append(
            ReportProblem(
                0,
                _("The file is larger than %(limit)s MB.") % {"limit": MAX_FILE_BYTES // 2**20},
            )
        )
        return report
    fmt = fmt or format_detect(data=data, filename=filename)
    if fmt is None:
        report.errors.append(
            ReportProblem(0, _("Choose the format: the file name does not tell it."))
        )
        return report
    report.format = fmt
    try:
        module = registry.format_module(fmt)
    except (ValueError, ImportError):
        report.errors.append(
            ReportProblem(0, _("The format “%(format)s” is not available.") % {"format": fmt})
        )
        return report
    try:
        parsed = module.parse(data, filename)
    except Exception:  # a parser must not turn a bad file into a server error
        report.errors.append(ReportProblem(0, _("The file could not be read in this format.")))
        return report
    report.errors += [ReportProblem(p.line, p.message) for p in parsed.errors]
    report.skipped += [ReportProblem(p.line, p.message) for p in parsed.skipped]
    if not parsed.questions and not report.errors:
        report.errors.append(ReportProblem(0, _("The file holds no question to import.")))
    report.errors += _clean_content(parsed.questions)
    if not getattr(module, "CARRIES_EXPLANATIONS", True):
        for question in parsed.questions:
            question.explanation = None  # None: keep what the question has
    planned = _plan(parsed.questions, bank, report)
    report.lines = [
        ReportLine(
            line=plan.imported.line,
            type=plan.imported.type,
            stem=_excerpt(plan.imported.stem),
            action=plan.action,
            ref=plan.ref,
        )
        for plan in planned
    ]
    report.errors.sort(key=lambda problem: problem.line)
    if dry_run or report.errors:
        return report
    try:
        _write(planned, bank, actor, job)
    except ValidationError as error:
        report.errors.append(ReportProblem(0, "; ".join(error.messages)))
        return report
    report.applied = True
    return report


def _clean_content(questions) -> list[ReportProblem]:
    """Clean stems and explanations with the allow-list of ``lms.html``: removing a script is
    not an error, but a stem with nothing left is."""
    problems = []
    for question in questions:
        stem, question.stem = question.stem, clean_html(question.stem)
        question.explanation = clean_html(question.explanation)
        if html_is_empty(question.stem) and not html_is_empty(stem):
            problems.append(
                ReportProblem(
                    question.line,
                    _("The question text is empty once scripts and other unsafe HTML are removed."),
                )
            )
    return problems


def _plan(questions, bank: QuestionBank, report: ImportReport) -> list[_Planned]:
    errors = report.errors
    chapter_codes = {q.chapter_code for q in questions if q.chapter_code}
    kp_codes = {code for q in questions for code in q.knowledge_point_codes}
    chapters = {c.code: c for c in Chapter.objects.filter(code__in=chapter_codes)}
    kps = {
        kp.code: kp
        for kp in KnowledgePoint.objects.filter(code__in=kp_codes).select_related("chapter")
    }
    refs: dict[str, int] = {}
    planned = []
    for question in questions:
        before = len(errors)
        line = question.line
        unknown = [code for code in question.knowledge_point_codes if code not in kps]
        if unknown:
            errors.append(
                ReportProblem(
                    line,
                    _("Knowledge point codes not in the syllabus: %(codes)s.")
                    % {"codes": ", ".join(unknown)},
                )
            )
        points = [kps[code] for code in question.knowledge_point_codes if code in kps]
        chapter = chapters.get(question.chapter_code)
        if question.chapter_code and chapter is None:
            errors.append(
                ReportProblem(
                    line,
                    _("Chapter code not in the syllabus: %(code)s.")
                    % {"code": question.chapter_code},
                )
            )
        elif chapter is None and points:
            chapter = points[0].chapter
        elif chapter is None and not unknown:
            errors.append(
                ReportProblem(line, _("Give the question a chapter or knowledge point code."))
            )
        if chapter is not None:
            outside = [kp.code for kp in points if kp.chapter_id != chapter.pk]
            if outside:
                errors.append(
                    ReportProblem(
                        line,
                        _("Knowledge points %(codes)s are not in chapter %(chapter)s.")
                        % {"codes": ", ".join(outside), "chapter": chapter.code},
                    )
                )
            if bank.subject_id and chapter.subject_id != bank.subject_id:
                errors.append(
                    ReportProblem(
                        line,
                        _("Chapter %(chapter)s is not in the subject of the bank %(bank)s.")
                        % {"chapter": chapter.code, "bank": bank.name},
                    )
                )
        for message in question_content_errors(
            question_type=question.type,
            options=[dataclasses.asdict(option) for option in question.options],
            parts=[dataclasses.asdict(part) for part in question.parts],
        ):
            errors.append(ReportProblem(line, message))
        if len(question.source) > 32:
            errors.append(ReportProblem(line, _("The source is too long.")))
        ref = question.ref or content_ref(question)
        if len(ref) > 64:
            errors.append(ReportProblem(line, _("The reference is longer than 64 characters.")))
        if ref in refs:
            errors.append(
                ReportProblem(
                    line,
                    _("The reference %(ref)s appears twice (also at %(other)s).")
                    % {"ref": ref, "other": refs[ref]},
                )
            )
        refs.setdefault(ref, line)
        if len(errors) == before:
            planned.append(_Planned(question, ref, chapter, points, None, CREATE))
    existing = {
        q.ref: q
        for q in Question.objects.filter(ref__in=[plan.ref for plan in planned])
        .select_related("bank")
        .prefetch_related("options", "parts", "knowledge_points")
    }
    for plan in planned:
        found = existing.get(plan.ref)
        if found is None:
            continue
        if found.bank_id != bank.pk:
            errors.append(
                ReportProblem(
                    plan.imported.line,
                    _("The reference %(ref)s belongs to a question of the bank %(bank)s.")
                    % {"ref": plan.ref, "bank": found.bank.name},
                )
            )
            continue
        plan.existing = found
        plan.action = UNCHANGED if _content(found) == _wanted(plan) else UPDATE
    return planned


def _content(question: Question) -> dict:
    return {
        "type": question.type,
        # Compared with the file's cleaned content: a question stored before the allow-list
        # existed is unchanged when only cleaning would change it.
        "stem": clean_html(question.stem),
        "explanation": clean_html(question.explanation),
        "chapter_id": question.chapter_id,
        "knowledge_point_ids": sorted(kp.pk for kp in question.knowledge_points.all()),
        "difficulty": question.difficulty,
        "source": question.source,
        "status": question.status,
        "options": [(o.text, o.is_correct, o.explanation) for o in question.options.all()],
        "parts": [
            (
                p.prompt,
                Decimal(p.points),
                [k.strip() for k in p.key_points.splitlines() if k.strip()],
            )
            for p in question.parts.all()
        ],
    }


def _wanted(plan: _Planned) -> dict:
    imported = plan.imported
    difficulty = imported.difficulty
    if difficulty is None:
        difficulty = plan.existing.difficulty if plan.existing else 3
    explanations = [o.explanation for o in imported.options]
    explanation = imported.explanation
    if explanation is None:  # the format cannot carry explanations: keep the question's
        existing = list(plan.existing.options.all()) if plan.existing else []
        explanation = clean_html(plan.existing.explanation) if plan.existing else ""
        explanations = [
            existing[index].explanation if len(existing) == len(explanations) else ""
            for index in range(len(explanations))
        ]
    return {
        "type": imported.type,
        "stem": imported.stem,
        "explanation": explanation,
        "chapter_id": plan.chapter.pk,
        "knowledge_point_ids": sorted(kp.pk for kp in plan.knowledge_points),
        "difficulty": difficulty,
        "source": imported.source or "original",
        # New questions are published; an existing one keeps its state (a retired question is
        # not brought back by importing its file again).
        "status": plan.existing.status if plan.existing else QuestionStatus.PUBLISHED,
        "options": [
            (o.text, o.correct, note)
            for o, note in zip(imported.options, explanations, strict=True)
        ],
        "parts": [(p.prompt, Decimal(p.points), list(p.key_points)) for p in imported.parts],
    }


def _write(planned: list[_Planned], bank: QuestionBank, actor, job: str | None) -> None:
    total = len(planned)
    if job:
        cache.set(progress_key(job), {"done": 0, "total": total}, PROGRESS_SECONDS)
    with transaction.atomic():
        for done, plan in enumerate(planned, start=1):
            if plan.action != UNCHANGED:
                _save(plan, bank, actor)
            if job and (done % PROGRESS_EVERY == 0 or done == total):
                cache.set(progress_key(job), {"done": done, "total": total}, PROGRESS_SECONDS)


def _save(plan: _Planned, bank: QuestionBank, actor) -> None:
    wanted = _wanted(plan)
    question = plan.existing or Question(bank=bank, ref=plan.ref)
    for field in ("type", "stem", "explanation", "difficulty", "source", "status"):
        setattr(question, field, wanted[field])
    question.chapter = plan.chapter
    if plan.existing is not None and plan.existing.chapter_id != plan.chapter.pk:
        question.edition = ""
    question.full_clean(exclude=["current_version", "knowledge_points"])
    question.save()
    question.knowledge_points.set(plan.knowledge_points)
    question.save()
    _sync_rows(
        list(question.options.all()) if plan.existing else [],
        [
            {"text": text, "is_correct": correct, "explanation": note}
            for text, correct, note in wanted["options"]
        ],
        lambda index, values: QuestionOption(question=question, sort_order=index, **values),
    )
    _sync_rows(
        list(question.parts.all()) if plan.existing else [],
        [
            {"prompt": p.prompt, "points": p.points, "key_points": "\n".join(p.key_points)}
            for p in plan.imported.parts
        ],
        lambda index, values: QuestionPart(question=question, sort_order=index, **values),
    )
    # A corrected key re-scores past answers, as it does when edited in the admin.
    regrade_schedule(version=question_version_sync(question=question, user=actor), by=actor)


def _sync_rows(rows, wanted: list[dict], make) -> None:
    """Update rows in place (their ids stay, as versions refer to them), add and remove the rest."""
    for index, values in enumerate(wanted):
        if index < len(rows):
            row = rows[index]
            for field, value in values.items():
                setattr(row, field, value)
            row.sort_order = index
            row.save()
        else:
            make(index, values).save()
    for row in rows[len(wanted) :]:
        row.delete()


# -- export ----------------------------------------------------------------------------------


def question_exported(question: Question, kp_codes: dict[int, str]) -> ExportedQuestion:
    """A question as a format writer receives it: its current version where it has one."""
    version = question.current_version
    if version is not None:
        options = [
            ImportedOption(o["text"], o["correct"], o.get("explanation", ""))
            for o in version.options
        ]
        parts = [
            ImportedPart(p["prompt"], Decimal(p["points"]), list(p["key_points"]))
            for p in version.parts
        ]
        content = {
            "type": version.type,
            "stem": version.stem,
            "explanation": version.explanation,
            "chapter": version.chapter,
            "kp_ids": version.knowledge_point_ids,
            "difficulty": version.difficulty,
        }
    else:
        options = [
            ImportedOption(o.text, o.is_correct, o.explanation) for o in question.options.all()
        ]
        parts = [
            ImportedPart(
                p.prompt,
                Decimal(p.points),
                [k.strip() for k in p.key_points.splitlines() if k.strip()],
            )
            for p in question.parts.all()
        ]
        content = {
            "type": question.type,
            "stem": question.stem,
            "explanation": question.explanation,
            "chapter": question.chapter,
            "kp_ids": [kp.pk for kp in question.knowledge_points.all()],
            "difficulty": question.difficulty,
        }
    return ExportedQuestion(
        line=0,
        type=content["type"],
        stem=content["stem"],
        options=options,
        parts=parts,
        explanation=content["explanation"],
        ref=question.ref or "",
        chapter_code=content["chapter"].code,
        knowledge_point_codes=sorted(kp_codes[pk] for pk in content["kp_ids"] if pk in kp_codes),
        difficulty=content["difficulty"],
        source=question.source,
    )


def questions_export(*, questions, fmt: str) -> bytes:
    """The questions in format ``fmt`` (a format that cannot carry a type leaves it out)."""
    module = registry.format_module(fmt)
    questions = list(
        questions.select_related("chapter", "current_version__chapter").prefetch_related(
            "options", "parts", "knowledge_points"
        )
    )
    kp_ids = {
        pk for q in questions if q.current_version for pk in q.current_version.knowledge_point_ids
    }
    kp_ids |= {kp.pk for q in questions for kp in q.knowledge_points.all()}
    kp_codes = dict(KnowledgePoint.objects.filter(pk__in=kp_ids).values_list("pk", "code"))
    exported = [question_exported(question, kp_codes) for question in questions]
    supports = getattr(module, "supports", None)
    if supports is not None:
        exported = [question for question in exported if supports(question)]
    return module.write(exported)
