"""Aiken, as Moodle reads and writes it: single-choice questions only.

    社会工作者小王在接案阶段首先应当……
    A. 建立专业关系
    B) 制定服务计划
    ANSWER: A

The question text comes first (one line; Qihang also takes several), then options lettered
``A.`` or ``A)`` followed by a space, then ``ANSWER: <letter>``. Aiken carries no explanations.
Qihang's own extension: comment lines such as ``// 考点: J-CA-03-02`` right before a question
carry its chapter, knowledge points, difficulty, source and reference (see
``quizzes.formats.text``); ``// 题型: true_false`` marks a two-option true-or-false question.
Moodle's importer does not know these lines: remove them before importing a file into Moodle.
"""

import re

from django.utils.translation import gettext as _

from courses.models import QuestionType
from quizzes.formats.base import MAX_QUESTIONS, ImportedOption, ImportedQuestion, Parsed, Problem
from quizzes.formats.text import Meta, decode_text, html_from_text, meta_lines, text_from_html
from quizzes.models.bank import OPTION_LABELS

NAME = "aiken"
EXTENSIONS = (".txt",)
# Re-importing keeps the explanations a question has in Qihang (the file cannot hold them).
CARRIES_EXPLANATIONS = False

_OPTION = re.compile(r"^([A-Z])[.)、．）]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def supports(question: ImportedQuestion) -> bool:
    """Aiken carries single-choice (and two-option true-or-false) questions only."""
    return question.type in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE)


def parse(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    text, problem = decode_text(data)
    if problem:
        parsed.problems.append(problem)
        return parsed
    meta, current, stem_lines = Meta(), None, []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current is not None and current.options:
                parsed.problems.append(
                    Problem(number, _("A blank line before the “ANSWER:” line."))
                )
                current = None
            continue
        if line.startswith("//") and current is None:
            meta.read(line, number)
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if current is None:
            if answer or (option and option.group(1) == "A"):
                parsed.problems.append(
                    Problem(number, _("An option or answer without a question."))
                )
                meta = Meta()
                continue
            current = ImportedQuestion(line=number, type=QuestionType.SINGLE_CHOICE, stem="")
            stem_lines = [line]
            continue
        if answer:
            _finish(current, stem_lines, meta, answer.group(1).strip(), number, parsed)
            meta, current = Meta(), None
            if len(parsed.questions) >= MAX_QUESTIONS:
                parsed.problems.append(
                    Problem(
                        number, _("The file has more than %(n)s questions.") % {"n": MAX_QUESTIONS}
                    )
                )
                break
            continue
        if (
            option
            and option.group(1) == OPTION_LABELS[len(current.options) : len(current.options) + 1]
        ):
            current.options.append(ImportedOption(text=option.group(2).strip(), correct=False))
        elif option or current.options:
            parsed.problems.append(
                Problem(
                    number,
                    _("Expected option %(letter)s or the “ANSWER:” line.")
                    % {"letter": OPTION_LABELS[min(len(current.options), len(OPTION_LABELS) - 1)]},
                )
            )
            current = None
        else:
            stem_lines.append(line)
    if current is not None:
        parsed.problems.append(
            Problem(
                current.line, _("The question has no “ANSWER:” line: the file may be truncated.")
            )
        )
    return parsed


def _finish(question, stem_lines, meta, letter, number, parsed) -> None:
    problems = parsed.problems
    question.stem = html_from_text("\n".join(stem_lines))
    declared = meta.declared_type(question.line, problems)
    meta.apply(question, problems)
    if declared == QuestionType.TRUE_FALSE:
        question.type = declared
    elif declared not in (None, QuestionType.SINGLE_CHOICE):
        problems.append(Problem(question.line, _("Aiken carries single-choice questions only.")))
        return
    if len(question.options) < 2:
        problems.append(Problem(question.line, _("A question needs at least two options.")))
        return
    labels = OPTION_LABELS[: len(question.options)]
    if len(letter) != 1 or letter.upper() not in labels:
        problems.append(
            Problem(
                number,
                _("The answer must be one of the option letters %(labels)s, not “%(answer)s”.")
                % {"labels": labels, "answer": letter},
            )
        )
        return
    question.options[labels.index(letter.upper())].correct = True
    parsed.questions.append(question)


def _one_line(value: str) -> str:
    return " ".join(value.split("\n")).strip()


def write(questions) -> bytes:
    blocks = []
    for question in questions:
        if not supports(question):
            continue
        stem = text_from_html(question.stem)
        if "\n" in stem:
            stem = question.stem
        lines = [*meta_lines(question, with_type=question.type != QuestionType.SINGLE_CHOICE)]
        lines.append(_one_line(stem))
        for label, option in zip(OPTION_LABELS, question.options, strict=False):
            lines.append(f"{label}. {_one_line(option.text)}")
        key = next(
            (label for label, o in zip(OPTION_LABELS, question.options, strict=False) if o.correct),
            "A",
        )
        lines.append(f"ANSWER: {key}")
        blocks.append("\n".join(lines))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
