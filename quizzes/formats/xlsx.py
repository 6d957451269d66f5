"""The XLSX question template Chinese trainers keep their banks in.

One question a row on the sheet 题目 (or the first sheet), headers in row 1 (English aliases
accepted): 编号, 题型, 题干, 选项A…选项H, 答案 ("A", "ACD", "对"/"错"), 解析, 选项A解析…
(per-option explanations), 章节编码, 考点编码 (several separated by ；or ;), 难度 (1–5), 来源
("原创"/original or a year), and for human-marked questions 小题1题目, 小题1分值, 小题1要点
(key points separated by ；or line breaks), 小题2… as many as needed. A true-or-false question
may leave its options empty: they become 对 / 错. Text cells are plain text (line breaks kept);
a cell starting with an HTML tag is taken as HTML. ``template()`` builds the empty template with
an instruction sheet and data validation.
"""

import io
import re
import warnings

from django.utils.translation import gettext as _

from courses.models import QuestionType
from lms.zipguard import NotAZipError, ZipTooLargeError, zip_member_names
from quizzes.formats.base import (
    MAX_QUESTIONS,
    MAX_UNPACKED_BYTES,
    ImportedOption,
    ImportedPart,
    ImportedQuestion,
    Parsed,
    Problem,
)
from quizzes.formats.text import (
    TRUE_FALSE_LABELS,
    TYPE_LABELS,
    html_from_text,
    key_points_cell,
    parse_difficulty,
    parse_points,
    parse_source,
    parse_type,
    split_codes,
    split_key_points,
    text_from_html,
)
from quizzes.models.bank import CHOICE_TYPES, HUMAN_MARKED_TYPES, OPTION_LABELS

NAME = "xlsx"
EXTENSIONS = (".xlsx",)
SHEET = "题目"
INSTRUCTIONS = "说明"

ALIASES = {
    "ref": ["编号", "题号", "ref", "id"],
    "type": ["题型", "type"],
    "stem": ["题干", "题目", "stem", "question"],
    "answer": ["答案", "正确答案", "answer", "key"],
    "explanation": ["解析", "答案解析", "explanation"],
    "chapter": ["章节编码", "章节", "chapter", "chapter code"],
    "kps": ["考点编码", "考点", "knowledge points", "knowledge point codes", "kp"],
    "difficulty": ["难度", "difficulty"],
    "source": ["来源", "source", "year"],
}
HEADER_NAMES = {alias.lower(): key for key, aliases in ALIASES.items() for alias in aliases}
_OPTION = re.compile(r"^(?:选项|option\s*)([A-H])$", re.IGNORECASE)
_OPTION_EXPLANATION = re.compile(
    r"^(?:选项|option\s*)([A-H])\s*(?:解析|explanation)$", re.IGNORECASE
)
_PART = re.compile(
    r"^(?:小题|part\s*)(\d{1,2})\s*(题目|分值|要点|prompt|points|key points)$", re.IGNORECASE
)
_PART_FIELD = {"题目": "prompt", "prompt": "prompt", "分值": "points", "points": "points"}
TRUE_WORDS = {"对", "正确", "是", "√", "✓", "T", "TRUE", "Y"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "X", "F", "FALSE", "N"}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(header: list, problems: list[Problem]) -> dict | None:
    columns = {"options": {}, "option_explanations": {}, "parts": {}}
    for index, raw in enumerate(header):
        name = _cell(raw)
        if not name:
            continue
        key = HEADER_NAMES.get(name.lower())
        if key:
            columns[key] = index
        elif match := _OPTION.match(name):
            columns["options"][match.group(1).upper()] = index
        elif match := _OPTION_EXPLANATION.match(name):
            columns["option_explanations"][match.group(1).upper()] = index
        elif match := _PART.match(name):
            field = _PART_FIELD.get(match.group(2).lower(), "key_points")
            columns["parts"].setdefault(int(match.group(1)), {})[field] = index
        else:
            problems.append(Problem(1, _("Unknown column “%(name)s” in row 1.") % {"name": name}))
    missing = [ALIASES[key][0] for key in ("type", "stem") if key not in columns]
    if missing:
        problems.append(
            Problem(1, _("Row 1 lacks the columns: %(names)s.") % {"names": "、".join(missing)})
        )
        return None
    return columns


def parse(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    not_xlsx = _("This is not an Excel workbook (.xlsx). Save it from Excel or WPS as .xlsx.")
    try:
        names = zip_member_names(data, max_unpacked_bytes=MAX_UNPACKED_BYTES)
    except NotAZipError:
        parsed.problems.append(Problem(1, not_xlsx))
        return parsed
    except ZipTooLargeError:
        parsed.problems.append(Problem(1, _("The workbook unpacks to too much data to import.")))
        return parsed
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        parsed.problems.append(Problem(1, not_xlsx))
        return parsed

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        parsed.problems.append(Problem(1, not_xlsx))
        return parsed
    try:
        sheets = [sheet for sheet in workbook.worksheets if sheet.title != INSTRUCTIONS]
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else (sheets or [None])[0]
        if sheet is None:
            parsed.problems.append(Problem(1, _("The workbook has no sheet of questions.")))
            return parsed
        _read_rows(sheet.iter_rows(values_only=True), parsed)
    except Exception:  # a damaged sheet part
        parsed.problems.append(Problem(1, not_xlsx))
    finally:
        workbook.close()
    return parsed


def _read_rows(rows, parsed: Parsed) -> None:
    columns = None
    key_point_columns: set[int] = set()
    for number, values in enumerate(rows, start=1):
        cells = [_cell(value) for value in values]
        for index in key_point_columns & set(range(len(values))):
            # A trailing line break marks one key point that contains "；" (see key_points_cell).
            if isinstance(values[index], str) and values[index].rstrip(" \t").endswith("\n"):
                cells[index] += "\n"
        if number == 1:
            columns = _columns(cells, parsed.problems)
            if columns is None:
                return
            key_point_columns = {
                fields["key_points"]
                for fields in columns["parts"].values()
                if "key_points" in fields
            }
            continue
        if not any(cells):
            continue
        if len(parsed.questions) >= MAX_QUESTIONS:
            parsed.problems.append(
                Problem(number, _("The file has more than %(n)s questions.") % {"n": MAX_QUESTIONS})
            )
            return
        question = _row(number, cells, columns, parsed.problems)
        if question is not None:
            parsed.questions.append(question)
    if columns is None:
        parsed.problems.append(Problem(1, _("The file is empty.")))


def _row(number: int, cells: list[str], columns: dict, problems: list[Problem]):
    def get(key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    def at(index: int) -> str:
        return cells[index] if index < len(cells) else ""

    errors_before = len(problems)
    question_type = parse_type(get("type"))
    if question_type is None:
        problems.append(
            Problem(number, _("Unknown question type “%(type)s”.") % {"type": get("type")})
        )
        return None
    question = ImportedQuestion(
        line=number,
        type=question_type,
        stem=html_from_text(get("stem")),
        explanation=html_from_text(get("explanation")),
        ref=get("ref"),
        chapter_code=get("chapter"),
        knowledge_point_codes=split_codes(get("kps")),
    )
    if not question.stem:
        problems.append(Problem(number, _("The question has no text (题干).")))
    question.difficulty, error = parse_difficulty(get("difficulty"))
    if error:
        problems.append(Problem(number, error))
    question.source, error = parse_source(get("source"))
    if error:
        problems.append(Problem(number, error))

    texts = [(label, at(index)) for label, index in sorted(columns["options"].items())]
    while texts and not texts[-1][1]:
        texts.pop()
    if any(not text for _label, text in texts):
        problems.append(Problem(number, _("An option is empty between filled options.")))
    labels = [label for label, _text in texts]
    if labels != list(OPTION_LABELS[: len(labels)]):
        problems.append(Problem(number, _("Fill the options in order from 选项A.")))
    if question_type in CHOICE_TYPES:
        _choice(question, number, texts, get("answer"), columns, cells, problems)
    elif question_type in HUMAN_MARKED_TYPES:
        if texts:
            problems.append(Problem(number, _("Options belong to choice questions only.")))
        _parts(question, number, columns, at, problems)
    return question if len(problems) == errors_before else None


def _choice(question, number, texts, answer, columns, cells, problems) -> None:
    answer = answer.strip().upper()
    if question.type == QuestionType.TRUE_FALSE and not texts:
        texts = list(zip("AB", TRUE_FALSE_LABELS, strict=True))
    if question.type == QuestionType.TRUE_FALSE and answer in TRUE_WORDS | FALSE_WORDS:
        wanted = TRUE_FALSE_LABELS[0] if answer in TRUE_WORDS else TRUE_FALSE_LABELS[1]
        keys = {
            label
            for label, text in texts
            if text in TRUE_WORDS | FALSE_WORDS
            and ((text in TRUE_WORDS) == (wanted == TRUE_FALSE_LABELS[0]))
        }
    else:
        keys = set(re.sub(r"[\s,，、;；]", "", answer))
    labels = {label for label, _text in texts}
    if not answer:
        problems.append(Problem(number, _("The answer (答案) is empty.")))
    elif not keys or not keys <= labels:
        problems.append(
            Problem(
                number,
                _("The answer “%(answer)s” names no option of this row.") % {"answer": answer},
            )
        )
    for label, text in texts:
        index = columns["option_explanations"].get(label)
        explanation = cells[index] if index is not None and index < len(cells) else ""
        question.options.append(
            ImportedOption(text=text, correct=label in keys, explanation=explanation)
        )


def _parts(question, number, columns, at, problems) -> None:
    for index in sorted(columns["parts"]):
        fields = columns["parts"][index]
        prompt = at(fields["prompt"]) if "prompt" in fields else ""
        points_text = at(fields["points"]) if "points" in fields else ""
        key_points = at(fields["key_points"]) if "key_points" in fields else ""
        if not (prompt or points_text or key_points):
            continue
        points = parse_points(points_text)
        if not prompt or points is None:
            problems.append(
                Problem(
                    number,
                    _("Sub-question %(n)s needs its prompt (题目) and points (分值).")
                    % {"n": index},
                )
            )
            continue
        question.parts.append(
            ImportedPart(prompt=prompt, points=points, key_points=split_key_points(key_points))
        )


# -- writing ---------------------------------------------------------------------------------


def _header(option_count: int, part_count: int) -> list[str]:
    header = ["编号", "题型", "题干"]
    header += [f"选项{label}" for label in OPTION_LABELS[:option_count]]
    header += ["答案", "解析"]
    header += [f"选项{label}解析" for label in OPTION_LABELS[:option_count]]
    header += ["章节编码", "考点编码", "难度", "来源"]
    for index in range(1, part_count + 1):
        header += [f"小题{index}题目", f"小题{index}分值", f"小题{index}要点"]
    return header


def _workbook(option_count: int = 5, part_count: int = 3):
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    header = _header(option_count, part_count)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    types = DataValidation(
        type="list", formula1='"' + ",".join(TYPE_LABELS.values()) + '"', allow_blank=True
    )
    difficulty = DataValidation(type="whole", operator="between", formula1="1", formula2="5")
    difficulty.error = "1–5"
    sheet.add_data_validation(types)
    sheet.add_data_validation(difficulty)
    letter = {name: sheet.cell(row=1, column=i + 1).column_letter for i, name in enumerate(header)}
    types.add(f"{letter['题型']}2:{letter['题型']}{MAX_QUESTIONS + 1}")
    difficulty.add(f"{letter['难度']}2:{letter['难度']}{MAX_QUESTIONS + 1}")
    notes = workbook.create_sheet(INSTRUCTIONS)
    for line in INSTRUCTION_LINES:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    return workbook, sheet


INSTRUCTION_LINES = [
    "启航题库导入模板 · Qihang question template",
    "每行一道题，填写在“题目”工作表；第 1 行是列名，请勿修改。"
    "One question a row on the sheet 题目.",
    "题型：单选题、多选题、判断题、案例分析题、服务方案设计题、论述题"
    "（也可写代码 single_choice 等）。",
    "题干、解析：纯文本，换行会保留；以 HTML 标签开头的单元格按 HTML 导入。",
    "选项A…选项E（最多到 H）：从 A 起按顺序填写；判断题可不填选项，自动为“对/错”。",
    "答案：单选填一个字母（A）；多选填多个字母（ACD）；判断题填“对”或“错”（也可填 A/B）。",
    "选项A解析…：每个选项的解析，可空。",
    "章节编码：如 J-CA-03；考点编码：如 J-CA-03-02，多个用“；”或“;”分隔。"
    "章节可空，按第一个考点推断；两者都空或编码不在考试大纲中时报错。",
    "难度：1（易）到 5（难），可空（默认 3）。来源：“原创”或真题年份（如 2023）。",
    "编号：题目的稳定编号；再次导入同一编号会更新该题而不是重复创建。不填时按内容生成。",
    "案例分析题、服务方案设计题、论述题：不填选项和答案，在“小题1题目 / 小题1分值 / 小题1要点”"
    "等列中填写小题，要点用“；”或换行分隔；小题不够时可继续添加“小题4题目”等列。",
    "导入是整体的：任何一行有错时不会写入任何题目，错误会列出行号。",
]


def template() -> bytes:
    workbook, _sheet = _workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _answer(question) -> str:
    return "".join(
        label
        for label, option in zip(OPTION_LABELS, question.options, strict=False)
        if option.correct
    )


def write(questions) -> bytes:
    questions = list(questions)
    option_count = max([5, *(len(q.options) for q in questions)])
    part_count = max([3, *(len(q.parts) for q in questions)])
    workbook, sheet = _workbook(option_count, part_count)
    for question in questions:
        options = question.options + [None] * (option_count - len(question.options))
        row = [
            question.ref,
            TYPE_LABELS.get(question.type, question.type),
            text_from_html(question.stem),
        ]
        row += [option.text if option else "" for option in options]
        row += [_answer(question), text_from_html(question.explanation)]
        row += [option.explanation if option else "" for option in options]
        row += [
            question.chapter_code,
            "；".join(question.knowledge_point_codes),
            question.difficulty,
            "原创" if question.source in ("", "original") else question.source,
        ]
        for part in question.parts:
            row += [part.prompt, f"{part.points.normalize():f}", key_points_cell(part.key_points)]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
