"""Moodle XML (``<quiz><question type="…">``), as Moodle writes and reads it.

Read: ``multichoice`` (single → single choice; two or more positive fractions → multiple
choice), ``truefalse`` (→ true/false with Qihang's options 正确 / 错误), ``essay`` (→ one
sub-question worth ``defaultgrade``, key points from ``graderinfo``). ``category`` entries are
ignored; every other type (matching, numerical, shortanswer, cloze, ddwtos, calculated,
description, …) is skipped with the line of its ``<question>``.

Qihang's own fields travel in places Moodle keeps: ``idnumber`` is the ref, ``generalfeedback``
the explanation, each answer's ``feedback`` that option's explanation, and tags carry the rest —
``chapter:J-CA-03``, ``kp:J-CA-03-02`` (one per knowledge point), ``difficulty:3``,
``source:2024`` and, for the human-marked types other than essay, ``type:case_analysis`` or
``type:service_plan``. Sub-questions are written into ``graderinfo`` as
``<div class="qihang-part" data-points="6"><p class="qihang-prompt">…</p><ul><li>key point</li>
…</ul></div>`` so that several of them survive a round trip; an essay from elsewhere becomes one
sub-question whose prompt is the question's name and whose key points are graderinfo's list items
(or its lines).

Option texts, option explanations, prompts and key points are plain text in Qihang; they are
written as escaped HTML and read back as text.
"""

import html
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .base import (
    MAX_QUESTIONS,
    ImportedOption,
    ImportedPart,
    ImportedQuestion,
    Parsed,
    Problem,
)
from .xmlsafe import Node, XmlError, cdata, html_to_text, parse_xml, xml_text

NAME = "moodle_xml"
EXTENSIONS = (".xml",)

TRUE_WORDS = {"true", "正确", "对", "是", "√"}
FALSE_WORDS = {"false", "错误", "错", "否", "×"}
TRUE_TEXT, FALSE_TEXT = "正确", "错误"
HUMAN_MARKED = ("case_analysis", "service_plan", "essay")


class _Invalid(Exception):
    pass


# --- reading ------------------------------------------------------------------------------------


def _child_text(node: Node | None, tag: str = "text") -> str:
    child = node.find(tag) if node is not None else None
    return child.text() if child is not None else ""


def _html(node: Node | None) -> str:
    """A formatted text element (``<questiontext format="…"><text>…``) as HTML."""
    if node is None:
        return ""
    text = _child_text(node)
    fmt = node.get("format", "html")
    if fmt in ("plain_text", "markdown"):
        return "<br>".join(html.escape(line, quote=False) for line in text.strip().split("\n"))
    return text.strip()


def _plain(node: Node | None) -> str:
    """A formatted text element as plain text (options, their explanations)."""
    if node is None:
        return ""
    text = _child_text(node)
    if node.get("format", "html") in ("html", "moodle_auto_format"):
        return html_to_text(text)
    return text.strip()


def _fraction(answer: Node) -> float:
    raw = answer.get("fraction", "0")
    try:
        return float(raw)
    except ValueError:
        raise _Invalid(
            _("The answer on line %(line)s has a fraction that is not a number: “%(value)s”.")
            % {"line": answer.line, "value": raw}
        ) from None


def _tags(node: Node, question: ImportedQuestion) -> str:
    """Fill codes, difficulty and source from the tags; return the ``type:`` tag, if any."""
    kind = ""
    tags = node.find("tags")
    for tag in tags.elements("tag") if tags is not None else []:
        key, _sep, value = _child_text(tag).strip().partition(":")
        value = value.strip()
        if not value:
            continue
        if key == "kp":
            question.knowledge_point_codes.append(value)
        elif key == "chapter":
            question.chapter_code = value
        elif key == "source":
            question.source = value
        elif key == "type":
            kind = value
        elif key == "difficulty":
            if value not in {"1", "2", "3", "4", "5"}:
                raise _Invalid(
                    _("The difficulty tag must be difficulty:1 to difficulty:5, not “%(tag)s”.")
                    % {"tag": f"{key}:{value}"}
                )
            question.difficulty = int(value)
    return kind


def _common(node: Node, question_type: str) -> ImportedQuestion:
    return ImportedQuestion(
        line=node.line,
        type=question_type,
        stem=_html(node.find("questiontext")),
        explanation=_html(node.find("generalfeedback")),
        ref=_child_text(node, "idnumber").strip(),
    )


def _read_multichoice(node: Node) -> ImportedQuestion:
    answers = node.elements("answer")
    fractions = [_fraction(answer) for answer in answers]
    single = _child_text(node, "single").strip().lower() in ("true", "1")
    positive = sum(1 for fraction in fractions if fraction > 0)
    if single or positive < 2:
        best = max(fractions, default=0)
        correct = [fraction > 0 and fraction == best for fraction in fractions]
        question = _common(node, "single_choice")
    else:
        correct = [fraction > 0 for fraction in fractions]
        question = _common(node, "multiple_choice")
    question.options = [
        ImportedOption(_plain(answer), is_correct, _plain(answer.find("feedback")))
        for answer, is_correct in zip(answers, correct, strict=True)
    ]
    _tags(node, question)
    return question


def _read_truefalse(node: Node) -> ImportedQuestion:
    answers = node.elements("answer")
    if len(answers) != 2:
        raise _Invalid(
            _("A true/false question needs two answers (true and false); it has %(n)s.")
            % {"n": len(answers)}
        )
    words = [_plain(answer).lower() for answer in answers]
    if words[0] in FALSE_WORDS or words[1] in TRUE_WORDS:
        answers = answers[::-1]
    question = _common(node, "true_false")
    question.options = [
        ImportedOption(text, _fraction(answer) > 0, _plain(answer.find("feedback")))
        for text, answer in zip((TRUE_TEXT, FALSE_TEXT), answers, strict=True)
    ]
    _tags(node, question)
    return question


class _PartsReader(HTMLParser):
    """The sub-questions Qihang writes into graderinfo; or, from elsewhere, list items."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[dict] = []
        self.items: list[str] = []
        self.capture: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div" and "qihang-part" in classes:
            points = attrs.get("data-points") or "0"
            self.parts.append({"points": points, "prompt": "", "key_points": []})
        elif tag == "p" and "qihang-prompt" in classes and self.parts:
            self.capture = "prompt"
        elif tag == "li":
            self.capture = "li"
            self.items.append("")
            if self.parts:
                self.parts[-1]["key_points"].append("")

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self.capture = None

    def handle_data(self, data):
        if self.capture == "prompt":
            self.parts[-1]["prompt"] += data
        elif self.capture == "li":
            self.items[-1] += data
            if self.parts:
                self.parts[-1]["key_points"][-1] += data


def _decimal(value: str, line: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise _Invalid(
            _("The points on line %(line)s are not a number: “%(value)s”.")
            % {"line": line, "value": value}
        ) from None
    if not number.is_finite():
        raise _Invalid(_("The points on line %(line)s are not a number.") % {"line": line})
    return number


def _read_essay(node: Node) -> ImportedQuestion:
    question = _common(node, "essay")
    kind = _tags(node, question)
    if kind in HUMAN_MARKED:
        question.type = kind
    grade = node.find("defaultgrade")
    points = _decimal(grade.text(), grade.line) if grade is not None else Decimal(1)
    info = node.find("graderinfo")
    reader = _PartsReader()
    reader.feed(_child_text(info) if info is not None else "")
    reader.close()
    if reader.parts:
        question.parts = [
            ImportedPart(part["prompt"], _decimal(part["points"], node.line), part["key_points"])
            for part in reader.parts
        ]
    else:
        if reader.items:
            key_points = [item.strip() for item in reader.items if item.strip()]
        else:
            text = _plain(info)
            key_points = [line.strip() for line in text.split("\n") if line.strip()]
        name = _child_text(node, "name").strip() or strip_tags(question.stem).strip()[:200]
        question.parts = [ImportedPart(name, points, key_points)]
    return question


READERS = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "essay": _read_essay,
}


def parse(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    try:
        root = parse_xml(data)
    except XmlError as error:
        parsed.problems.append(Problem(error.line, error.message))
        return parsed
    if root.tag != "quiz":
        parsed.problems.append(
            Problem(
                root.line,
                _("This is not Moodle XML: the root element is <%(tag)s>, not <quiz>.")
                % {"tag": root.tag},
            )
        )
        return parsed
    for node in root.elements("question"):
        kind = node.get("type")
        if kind == "category":
            continue
        reader = READERS.get(kind)
        if reader is None:
            parsed.problems.append(
                Problem(
                    node.line,
                    _("Moodle question type “%(type)s” has no equivalent in Qihang; skipped.")
                    % {"type": kind},
                    skipped=True,
                )
            )
            continue
        try:
            parsed.questions.append(reader(node))
        except _Invalid as error:
            parsed.problems.append(Problem(node.line, str(error)))
        if len(parsed.questions) > MAX_QUESTIONS:
            parsed.problems.append(
                Problem(
                    node.line,
                    _("The file has more than %(n)s questions.") % {"n": MAX_QUESTIONS},
                )
            )
            break
    return parsed


# --- writing ------------------------------------------------------------------------------------


def _number(value) -> str:
    text = f"{Decimal(value):.5f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _text_block(tag: str, content: str, extra: str = "") -> str:
    return f'<{tag} format="html"{extra}><text>{cdata(content)}</text></{tag}>'


def _tag_lines(question: ImportedQuestion) -> str:
    tags = []
    if question.chapter_code:
        tags.append(f"chapter:{question.chapter_code}")
    tags += [f"kp:{code}" for code in question.knowledge_point_codes]
    if question.difficulty is not None:
        tags.append(f"difficulty:{question.difficulty}")
    if question.source:
        tags.append(f"source:{question.source}")
    if question.type in ("case_analysis", "service_plan"):
        tags.append(f"type:{question.type}")
    if not tags:
        return ""
    inner = "".join(f"\n      <tag><text>{xml_text(tag)}</text></tag>" for tag in tags)
    return f"\n    <tags>{inner}\n    </tags>"


def _answer(fraction: str, option: ImportedOption, text: str | None = None) -> str:
    shown = text if text is not None else html.escape(option.text, quote=False)
    feedback = _text_block("feedback", html.escape(option.explanation, quote=False))
    return (
        f'\n    <answer fraction="{fraction}" format="html">\n'
        f"      <text>{cdata(shown)}</text>\n      {feedback}\n    </answer>"
    )


def _choice_body(question: ImportedQuestion) -> tuple[str, str, str]:
    """(Moodle type, grade, the type's own elements) for a choice question."""
    if question.type == "true_false":
        options = question.options
        true_index = next(
            (i for i, o in enumerate(options) if o.text.strip().lower() in TRUE_WORDS), 0
        )
        ordered = [options[true_index]] + [o for i, o in enumerate(options) if i != true_index]
        answers = "".join(
            _answer("100" if option.correct else "0", option, word)
            for option, word in zip(ordered, ("true", "false"), strict=False)
        )
        return "truefalse", "1", answers
    single = question.type == "single_choice"
    keys = sum(1 for option in question.options if option.correct) or 1
    right = "100" if single else _number(Decimal(100) / keys)
    wrong = "0" if single else "-100"
    answers = "".join(
        _answer(right if option.correct else wrong, option) for option in question.options
    )
    settings = (
        f"\n    <single>{'true' if single else 'false'}</single>"
        "\n    <shuffleanswers>false</shuffleanswers>"
        "\n    <answernumbering>ABCD</answernumbering>"
        "\n    <showstandardinstruction>0</showstandardinstruction>"
    )
    return "multichoice", "1" if single else "2", settings + answers


def _parts_html(question: ImportedQuestion) -> str:
    blocks = []
    for part in question.parts:
        items = "".join(f"<li>{html.escape(point, quote=False)}</li>" for point in part.key_points)
        blocks.append(
            f'<div class="qihang-part" data-points="{_number(part.points)}">'
            f'<p class="qihang-prompt">{html.escape(part.prompt, quote=False)}</p>'
            f"<ul>{items}</ul></div>"
        )
    return "\n".join(blocks)


def _write_question(question: ImportedQuestion) -> str:
    if question.type in HUMAN_MARKED:
        kind = "essay"
        grade = _number(sum((part.points for part in question.parts), Decimal(0)))
        body = (
            "\n    <responseformat>editor</responseformat>"
            "\n    <responserequired>1</responserequired>"
            "\n    <responsefieldlines>15</responsefieldlines>"
            "\n    <attachments>0</attachments>"
            "\n    <attachmentsrequired>0</attachmentsrequired>"
            f"\n    {_text_block('graderinfo', _parts_html(question))}"
            f"\n    {_text_block('responsetemplate', '')}"
        )
    else:
        kind, grade, body = _choice_body(question)
    name = question.ref or strip_tags(question.stem).strip()[:60] or "-"
    return (
        f'  <question type="{kind}">\n'
        f"    <name><text>{xml_text(name)}</text></name>\n"
        f"    {_text_block('questiontext', question.stem)}\n"
        f"    {_text_block('generalfeedback', question.explanation)}\n"
        f"    <defaultgrade>{grade}</defaultgrade>\n"
        "    <penalty>0</penalty>\n"
        "    <hidden>0</hidden>\n"
        f"    <idnumber>{xml_text(question.ref)}</idnumber>"
        f"{body}{_tag_lines(question)}\n"
        "  </question>\n"
    )


def write(questions: list[ImportedQuestion]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    out += [_write_question(question) for question in questions]
    out.append("</quiz>\n")
    return "".join(out).encode("utf-8")
