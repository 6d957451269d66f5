"""The item statistics report of a quiz: what the page shows and the XLSX export. Reads only."""

import io

import numpy as np
import pandas as pd
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.spreadsheets import text_only
from quizzes import charts
from quizzes.models import ItemStatistics, Quiz, QuizStatistics

FLAG_LABELS = {
    "too_easy": gettext_lazy("Too easy"),
    "too_hard": gettext_lazy("Too hard"),
    "negative_discrimination": gettext_lazy("Negative discrimination"),
    "low_discrimination": gettext_lazy("Low discrimination"),
    "unused_distractor": gettext_lazy("A distractor nobody picks"),
    "strong_distractor": gettext_lazy("A distractor the strong learners pick"),
}


def _pct(value):
    return None if value is None else round(100 * value, 1)


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def quiz_report(*, quiz: Quiz) -> dict:
    summary = QuizStatistics.objects.filter(quiz=quiz).first()
    items = list(
        ItemStatistics.objects.filter(quiz=quiz)
        .select_related("question", "question__chapter")
        .order_by("question__chapter__code", "question_id")
    )
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            {
                "number": number,
                "item": item,
                "label": f"Q{number}",
                "question": strip_tags(item.question.stem)[:80],
                "chapter": item.question.chapter,
                "facility": _pct(item.facility),
                "sd": _pct(item.sd),
                "random_guess": _pct(item.random_guess),
                "discrimination": _round(item.discrimination),
                "efficiency": _round(item.efficiency),
                "intended_weight": _round(item.intended_weight, 2),
                "effective_weight": _round(item.effective_weight, 2),
                "flags": [FLAG_LABELS.get(flag, flag) for flag in item.flags],
                "options": [
                    {
                        **option,
                        "share": _pct(option["share"]),
                        "top": _pct(option["top_share"]),
                        "bottom": _pct(option["bottom_share"]),
                    }
                    for option in (item.options or {}).get("options", [])
                ],
            }
        )
    chapters = {c.pk: c for c in quiz.subject.chapters.all()} if quiz.subject_id else {}
    chapter_rows = [
        {**row, "name": chapters.get(row["chapter"], row["chapter"])}
        for row in (summary.chapters if summary else [])
    ]
    return {
        "quiz": quiz,
        "summary": summary,
        "rows": rows,
        "chapters": chapter_rows,
        "scatter": charts.facility_discrimination(
            [(r["label"], r["item"].facility or 0.0, r["item"].discrimination) for r in rows]
        ),
        "histogram": charts.score_histogram(
            summary.scores if summary else [], summary.max_score if summary else None
        ),
    }


def quiz_report_xlsx(*, quiz: Quiz) -> bytes:
    """Three sheets: the test, the items with their flags, and every option's frequencies."""
    report = quiz_report(quiz=quiz)
    summary = report["summary"]
    test = pd.DataFrame(
        [
            (_("Attempts"), summary.attempts if summary else 0),
            (_("Maximum score"), summary.max_score if summary else None),
            (_("Mean score"), summary.mean if summary else None),
            (_("Median score"), summary.median if summary else None),
            (_("Standard deviation"), summary.sd if summary else None),
            (_("Internal consistency (Cronbach's alpha)"), summary.alpha if summary else None),
            (_("Error ratio (%)"), summary.error_ratio if summary else None),
            (_("Standard error"), summary.standard_error if summary else None),
        ],
        columns=[_("Statistic"), _("Value")],
    )
    items = pd.DataFrame(
        [
            {
                "#": r["number"],
                _("Question"): r["question"],
                _("Chapter"): str(r["chapter"]),
                _("Answers"): r["item"].answers,
                _("Facility index (%)"): r["facility"],
                _("Standard deviation (%)"): r["sd"],
                _("Random guess score (%)"): r["random_guess"],
                _("Discrimination index"): r["discrimination"],
                _("Discriminative efficiency (%)"): r["efficiency"],
                _("Intended weight (%)"): r["intended_weight"],
                _("Effective weight (%)"): r["effective_weight"],
                _("Flags"): ", ".join(str(f) for f in r["flags"]),
            }
            for r in report["rows"]
        ]
    )
    options = pd.DataFrame(
        [
            {
                "#": r["number"],
                _("Option"): o["label"],
                _("Correct"): o["correct"],
                _("Text"): o["text"],
                _("Chosen (%)"): o["share"],
                _("Top third (%)"): o["top"],
                _("Bottom third (%)"): o["bottom"],
            }
            for r in report["rows"]
            for o in r["options"]
        ]
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in ((_("Test"), test), (_("Items"), items), (_("Options"), options)):
            frame.replace({np.nan: None}).to_excel(writer, sheet_name=name[:31], index=False)
        text_only(writer.book)
    return buffer.getvalue()
