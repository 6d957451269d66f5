"""GIFT, as Moodle reads and writes it.

Questions are separated by blank lines; ``//`` starts a comment line; ``::title::`` names a
question; ``[html]`` (or ``[moodle]``, ``[plain]``, ``[markdown]``) sets the text format; the
answers sit in ``{…}``: ``=`` a correct and ``~`` a wrong option, ``~%50%`` a weighted option
(a multiple-choice question), ``#`` the feedback of an option (its explanation in Qihang),
``####`` the general feedback (the question's explanation), ``{T}``/``{F}`` (or TRUE/FALSE)
a true-or-false question and ``{}`` an essay. ``\\~ \\= \\# \\{ \\} \\:`` are literal characters
and ``\\n`` a line break. Answers in the middle of the text make a missing-word question, imported
as a choice question whose stem shows a blank (_____).

Qihang cannot represent short-answer (only ``=`` answers), numeric (``{#…}``) and matching
(``->``) questions, nor descriptions (no answers): they are reported with their line and skipped.

Chapter, knowledge points, difficulty, source, reference and sub-questions travel in comment
lines right before the question (see ``quizzes.formats.text``); ``$CATEGORY:`` lines are ignored.
An essay needs ``// 小题:`` lines (points and key points) to be marked in Qihang; without them it
is skipped.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from courses.models import QuestionType
from quizzes.formats.base import (
    MAX_QUESTIONS,
    ImportedOption,
    ImportedQuestion,
    Parsed,
    Problem,
)
from quizzes.formats.text import (
    TRUE_FALSE_LABELS,
    Meta,
    decode_text,
    html_from_text,
    meta_lines,
)
from quizzes.models.bank import CHOICE_TYPES, HUMAN_MARKED_TYPES

NAME = "gift"
EXTENSIONS = (".gift", ".txt")

_SPECIAL = "~=#{}:"
_PROTECT = {f"\\{char}": chr(0xE000 + index) for index, char in enumerate(_SPECIAL)}
_PROTECT["\\n"] = "\ue010"
_RESTORE = {value: key[1] for key, value in _PROTECT.items()}
_RESTORE["\ue010"] = "\n"
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"^(TRUE|T|FALSE|F)(?:#([^#]*))?(?:#([^#]*))?$", re.DOTALL)
BLANK = "_____"


def _protect(text: str) -> str:
    return re.sub(r"\\[~=#{}:n]", lambda match: _PROTECT[match.group(0)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in text)


def _escape(text: str) -> str:
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _blocks(text: str):
    """(meta, first line number, text) of each blank-line separated block."""
    meta, start, lines = Meta(), None, []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            if lines:
                yield meta, start, "\n".join(lines)
            if lines or meta:
                meta, start, lines = Meta(), None, []
            continue
        if stripped.startswith("//"):
            meta.read(stripped, number)
            continue
        if stripped.startswith("$CATEGORY:") and not lines:
            continue
        if start is None:
            start = number
        lines.append(line)
    if lines:
        yield meta, start, "\n".join(lines)


def parse(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    text, problem = decode_text(data)
    if problem:
        parsed.problems.append(problem)
        return parsed
    for meta, line, block in _blocks(text):
        if len(parsed.questions) >= MAX_QUESTIONS:
            parsed.problems.append(
                Problem(line, _("The file has more than %(n)s questions.") % {"n": MAX_QUESTIONS})
            )
            break
        question = _question(meta, line, block, parsed.problems)
        if question is not None:
            parsed.questions.append(question)
    return parsed


def _skip(problems: list[Problem], line: int, message: str) -> None:
    problems.append(Problem(line, message, skipped=True))


def _question(meta: Meta, line: int, block: str, problems: list[Problem]):
    text = _protect(block).strip()
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            problems.append(Problem(line, _("The question title has no closing “::”.")))
            return None
        text = text[end + 2 :].lstrip()
    match = _FORMAT.match(text)
    is_html = bool(match) and match.group(1).lower() == "html"
    if match:
        text = text[match.end() :]
    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            problems.append(Problem(line, _("There is a “}” without its “{”.")))
        else:
            _skip(problems, line, _("A description without answers is not a question; skipped."))
        return None
    if "}" in text[:opening]:
        problems.append(Problem(line, _("There is a “}” without its “{”.")))
        return None
    closing = text.find("}", opening)
    if closing < 0:
        problems.append(
            Problem(line, _("The answers have no closing “}”: the file may be truncated."))
        )
        return None
    before, answers, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    if "{" in after or "}" in after:
        _skip(problems, line, _("Questions with several answer blocks are not supported; skipped."))
        return None
    stem = before.strip()
    if after.strip():
        stem = f"{before.rstrip()} {BLANK} {after.lstrip()}"

    def as_html(value: str) -> str:
        value = _restore(value).strip()
        return value if is_html else html_from_text(value)

    answers = answers.strip()
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
        answers = answers.strip()
    question = ImportedQuestion(
        line=line, type="", stem=as_html(stem), explanation=as_html(general)
    )
    declared = meta.declared_type(line, problems)
    meta.apply(question, problems)
    if not question.stem:
        problems.append(Problem(line, _("The question has no text.")))
        return None

    if answers.startswith("#"):
        _skip(problems, line, _("Numeric questions are not supported; skipped."))
        return None
    if not answers:
        question.type = declared if declared in HUMAN_MARKED_TYPES else QuestionType.ESSAY
        if not question.parts:
            _skip(
                problems,
                line,
                _(
                    "An essay needs sub-questions with points and key points "
                    "(“// 小题: …” lines) to be marked in Qihang; skipped."
                ),
            )
            return None
        return question
    true_false = _TRUE_FALSE.match(answers)
    if true_false:
        return _true_false(question, true_false)
    if "->" in answers:
        _skip(problems, line, _("Matching questions are not supported; skipped."))
        return None
    items = re.findall(r"([~=])([^~=]*)", answers)
    if answers[0] not in "~=":
        problems.append(Problem(line, _("Every answer must start with “=” or “~”.")))
        return None
    if all(marker == "=" for marker, _body in items):
        _skip(problems, line, _("Short-answer questions are not supported; skipped."))
        return None
    weighted = False
    for marker, body in items:
        body = body.strip()
        weight = _WEIGHT.match(body)
        correct = marker == "="
        if weight:
            weighted = True
            correct = Decimal(weight.group(1)) > 0
            body = body[weight.end() :]
        answer, _hash, feedback = body.partition("#")
        answer = _FORMAT.sub("", answer, count=1)
        question.options.append(
            ImportedOption(
                text=_restore(answer).strip(),
                correct=correct,
                explanation=_restore(_FORMAT.sub("", feedback, count=1)).strip(),
            )
        )
    keys = sum(option.correct for option in question.options)
    if keys == 0:
        problems.append(Problem(line, _("No answer is marked correct.")))
        return None
    question.type = (
        QuestionType.MULTIPLE_CHOICE if weighted or keys > 1 else QuestionType.SINGLE_CHOICE
    )
    if declared in CHOICE_TYPES:
        question.type = declared
    return question


def _true_false(question: ImportedQuestion, match) -> ImportedQuestion:
    is_true = match.group(1).upper().startswith("T")
    wrong_feedback = _restore(match.group(2) or "").strip()
    right_feedback = _restore(match.group(3) or "").strip()
    yes, no = TRUE_FALSE_LABELS
    question.type = QuestionType.TRUE_FALSE
    question.options = [
        ImportedOption(yes, is_true, right_feedback if is_true else wrong_feedback),
        ImportedOption(no, not is_true, wrong_feedback if is_true else right_feedback),
    ]
    return question


def _weight(count: int) -> str:
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def _answers(question: ImportedQuestion) -> str:
    options = question.options
    if question.type not in CHOICE_TYPES:
        return ""
    texts = tuple(option.text for option in options)
    if question.type == QuestionType.TRUE_FALSE and texts == TRUE_FALSE_LABELS:
        is_true = options[0].correct
        right, wrong = (options[0], options[1]) if is_true else (options[1], options[0])
        feedback = ""
        if wrong.explanation or right.explanation:
            feedback = "#" + _escape(wrong.explanation)
            if right.explanation:
                feedback += "#" + _escape(right.explanation)
        return ("TRUE" if is_true else "FALSE") + feedback
    lines = []
    keys = sum(option.correct for option in options)
    for option in options:
        if question.type == QuestionType.MULTIPLE_CHOICE:
            marker = f"~%{_weight(keys)}%" if option.correct else "~%-100%"
        else:
            marker = "=" if option.correct else "~"
        feedback = f"#{_escape(option.explanation)}" if option.explanation else ""
        lines.append(f"\t{marker}{_escape(option.text)}{feedback}")
    return "\n" + "\n".join(lines) + "\n"


def write(questions) -> bytes:
    blocks = []
    for question in questions:
        title = f"::{_escape(question.ref)}::" if question.ref else ""
        general = f"\t####{_escape(question.explanation)}\n" if question.explanation else ""
        answers = _answers(question)
        if general:
            answers = (answers if answers.endswith("\n") else answers + "\n") + general
        blocks.append(
            "\n".join(
                [*meta_lines(question), f"{title}[html]{_escape(question.stem)}{{{answers}}}"]
            )
        )
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
