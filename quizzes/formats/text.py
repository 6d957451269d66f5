"""Helpers the text and spreadsheet formats share: decoding, plain text ⇄ HTML, type labels,
and the metadata lines (``// 考点: …``) GIFT and Aiken files carry for Qihang.

Metadata lines are comments placed right before a question (GIFT ignores comments, so Moodle
still reads the file)::

    // 编号: Q-0001
    // 题型: case_analysis
    // 章节: J-CA-03
    // 考点: J-CA-03-02；J-CA-03-03
    // 难度: 3
    // 来源: 2023
    // 小题: 6 | 请分析案主的需要。 | 要点一；要点二
    // 小题: 6 | 请分析案主的需要。 | 要点一 | 要点二；仍是要点二 |

Key points are separated by ；or ; — or, when the line ends with “|”, by “|” alone, so that a
key point may itself contain “；” (Qihang writes that form; “|” inside a text becomes “｜”).
English keys (ref, type, chapter, knowledge points, difficulty, source, part) work as well.
"""

import hashlib
import html
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from courses.models import QuestionType
from quizzes.formats.base import ImportedPart, ImportedQuestion, Problem

TRUE_FALSE_LABELS = ("对", "错")

TYPE_LABELS = {
    QuestionType.SINGLE_CHOICE: "单选题",
    QuestionType.MULTIPLE_CHOICE: "多选题",
    QuestionType.TRUE_FALSE: "判断题",
    QuestionType.CASE_ANALYSIS: "案例分析题",
    QuestionType.SERVICE_PLAN: "服务方案设计题",
    QuestionType.ESSAY: "论述题",
}
TYPE_ALIASES = {
    **{label: str(code) for code, label in TYPE_LABELS.items()},
    **{str(code): str(code) for code in TYPE_LABELS},
    "单选": "single_choice",
    "多选": "multiple_choice",
    "判断": "true_false",
    "案例分析": "case_analysis",
    "服务方案设计": "service_plan",
    "论述": "essay",
    "single": "single_choice",
    "multiple": "multiple_choice",
    "truefalse": "true_false",
}

_SEPARATORS = re.compile(r"[；;,，、\s]+")
_HTML_START = re.compile(r"^\s*<[a-zA-Z!/]")
_SIMPLE_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def split_codes(value: str) -> list[str]:
    return [code for code in _SEPARATORS.split(value or "") if code]


def split_key_points(value: str) -> list[str]:
    """Key points one per line; a single line may separate them with ；or ;."""
    value = value or ""
    separators = r"\n" if "\n" in value else r"[；;]"
    return [point.strip() for point in re.split(separators, value) if point.strip()]


def decode_text(data: bytes) -> tuple[str | None, Problem | None]:
    """The text of an uploaded text file: UTF-8 (with or without BOM) or GBK, decoded strictly."""
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        return None, Problem(1, _("This is not a text file."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        utf8_error = error
    if utf8_error.reason == "unexpected end of data" and utf8_error.end == len(data):
        line = data.count(b"\n", 0, utf8_error.start) + 1
        return None, Problem(
            line, _("The file ends in the middle of a character: it looks truncated.")
        )
    try:
        return data.decode("gbk"), None
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        return None, Problem(
            line, _("This line is neither UTF-8 nor GBK text. Save the file as UTF-8 and retry.")
        )


def html_from_text(text: str) -> str:
    """HTML for a cell or line of text: kept as it is when it already is HTML."""
    text = (text or "").strip()
    if not text or _HTML_START.match(text):
        return text
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line, quote=False) for line in part.split("\n")) + "</p>"
        for part in paragraphs
    )


def text_from_html(value: str) -> str:
    """Plain text for HTML that ``html_from_text`` would give back exactly; else the HTML."""
    value = (value or "").strip()
    paragraphs = _SIMPLE_PARAGRAPH.findall(value)
    if paragraphs and "".join(f"<p>{p}</p>" for p in paragraphs) == value:
        candidate = "\n\n".join(
            html.unescape(p.replace("<br/>", "\n").replace("<br>", "\n")) for p in paragraphs
        )
        if "<" not in candidate and html_from_text(candidate) == value:
            return candidate
    return value


def content_ref(question: ImportedQuestion) -> str:
    """A stable reference from what candidates see of a question, for files that carry none: a
    file that corrects the key updates the question (and re-scores past answers) instead of
    adding a second one."""
    digest = hashlib.sha256()
    for piece in (
        question.type,
        question.stem,
        *(option.text for option in question.options),
        *(part.prompt for part in question.parts),
    ):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\x1e")
    return "h-" + digest.hexdigest()[:30]


def parse_type(value: str) -> str | None:
    key = (value or "").strip()
    return (
        TYPE_ALIASES.get(key)
        or TYPE_ALIASES.get(key.lower().replace(" ", "_"))
        or (TYPE_ALIASES.get(key.lower().replace(" ", "").replace("_", "")))
    )


def parse_difficulty(value: str) -> tuple[int | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        number = int(Decimal(value))
    except (InvalidOperation, ValueError):
        number = 0
    if str(number) != value.removesuffix(".0") or not 1 <= number <= 5:
        return None, _("The difficulty must be a whole number from 1 to 5, not “%(value)s”.") % {
            "value": value
        }
    return number, None


def parse_source(value: str) -> tuple[str, str | None]:
    value = (value or "").strip().removesuffix(".0")
    if not value or value.lower() in {"original", "原创"}:
        return "original", None
    if re.fullmatch(r"(19|20)\d\d", value):
        return value, None
    return "", _(
        "The source must be “original” (原创) or an exam year such as 2023, not “%(value)s”."
    ) % {"value": value}


def parse_points(value: str) -> Decimal | None:
    try:
        points = Decimal((value or "").strip())
    except InvalidOperation:
        return None
    return points if points.is_finite() else None


# -- metadata lines (GIFT, Aiken) -------------------------------------------------------------

META_KEYS = {
    "编号": "ref",
    "ref": "ref",
    "题型": "type",
    "type": "type",
    "章节": "chapter",
    "章节编码": "chapter",
    "chapter": "chapter",
    "考点": "kps",
    "考点编码": "kps",
    "knowledge points": "kps",
    "knowledge point": "kps",
    "kp": "kps",
    "难度": "difficulty",
    "difficulty": "difficulty",
    "来源": "source",
    "source": "source",
    "小题": "part",
    "part": "part",
}
_META_LINE = re.compile(r"^//\s*([^:：]{1,30}?)\s*[:：]\s*(.*)$")


class Meta:
    """The metadata lines gathered before one question."""

    def __init__(self):
        self.values: dict[str, str] = {}
        self.parts: list[tuple[int, str]] = []

    def __bool__(self):
        return bool(self.values or self.parts)

    def read(self, line: str, number: int) -> bool:
        """Take a ``// key: value`` comment; False when the comment is not metadata."""
        match = _META_LINE.match(line.strip())
        if not match:
            return False
        key = META_KEYS.get(match.group(1).strip().lower())
        if key is None:
            return False
        if key == "part":
            self.parts.append((number, match.group(2).strip()))
        else:
            self.values[key] = match.group(2).strip()
        return True

    def apply(self, question: ImportedQuestion, problems: list[Problem]) -> None:
        line = question.line
        question.ref = self.values.get("ref", question.ref)
        question.chapter_code = self.values.get("chapter", "")
        question.knowledge_point_codes = split_codes(self.values.get("kps", ""))
        question.difficulty, error = parse_difficulty(self.values.get("difficulty", ""))
        if error:
            problems.append(Problem(line, error))
        question.source, error = parse_source(self.values.get("source", ""))
        if error:
            problems.append(Problem(line, error))
        for number, value in self.parts:
            pieces = [piece.strip() for piece in value.split("|")]
            points = parse_points(pieces[0]) if pieces else None
            if len(pieces) < 2 or points is None or not pieces[1]:
                problems.append(
                    Problem(
                        number,
                        _("Write a sub-question as “// 小题: points | prompt | key point；…”."),
                    )
                )
                continue
            if len(pieces) > 3 and pieces[-1] == "":  # "| kp | kp |": one key point per field
                key_points = [piece for piece in pieces[2:-1] if piece]
            else:
                key_points = split_key_points(pieces[2] if len(pieces) > 2 else "")
            question.parts.append(
                ImportedPart(prompt=pieces[1], points=points, key_points=key_points)
            )

    def declared_type(self, line: int, problems: list[Problem]) -> str | None:
        if "type" not in self.values:
            return None
        declared = parse_type(self.values["type"])
        if declared is None:
            problems.append(
                Problem(
                    line, _("Unknown question type “%(type)s”.") % {"type": self.values["type"]}
                )
            )
        return declared


def meta_lines(question: ImportedQuestion, *, with_type: bool = True) -> list[str]:
    """The metadata comment lines that carry what a format cannot."""
    lines = []
    if question.ref:
        lines.append(f"// 编号: {question.ref}")
    if with_type:
        lines.append(f"// 题型: {question.type}")
    if question.chapter_code:
        lines.append(f"// 章节: {question.chapter_code}")
    if question.knowledge_point_codes:
        lines.append(f"// 考点: {'；'.join(question.knowledge_point_codes)}")
    if question.difficulty is not None:
        lines.append(f"// 难度: {question.difficulty}")
    if question.source:
        lines.append(f"// 来源: {question.source}")
    for part in question.parts:
        fields = [_one_line(part.prompt), *(_one_line(point) for point in part.key_points)]
        lines.append(f"// 小题: {part.points.normalize():f} | {' | '.join(fields)} |")
    return lines


def key_points_cell(points: list[str]) -> str:
    """Key points for a spreadsheet cell, one per line (a lone point with “；” in it ends with a
    line break, so that reading it back keeps it whole)."""
    cell = "\n".join(points)
    return cell + "\n" if len(points) == 1 and re.search(r"[；;]", cell) else cell


def _one_line(text: str) -> str:
    return text.replace("|", "｜").replace("\r", " ").replace("\n", " ").strip()
