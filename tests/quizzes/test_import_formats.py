"""The question file formats on their own: GIFT, Aiken and the XLSX template."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from lms.zipguard import NotAZipError, ZipTooLargeError, zip_member_names
from quizzes.formats import aiken, gift, xlsx
from quizzes.formats.base import ImportedOption, ImportedPart, ImportedQuestion
from quizzes.formats.text import html_from_text, text_from_html


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def messages(parsed, skipped=False):
    return [(p.line, p.message) for p in parsed.problems if p.skipped == skipped]


def same(a: ImportedQuestion, b: ImportedQuestion) -> bool:
    a.line = b.line = 0
    return a == b


QUESTIONS = [
    ImportedQuestion(
        line=0,
        type="single_choice",
        stem="<p>社会工作者<b>小王</b>在接案阶段，首先应当：{注意} a=b #1 ~2 :3</p>",
        options=[
            ImportedOption("建立专业关系", True, "接案阶段的首要任务。"),
            ImportedOption("制定服务计划 ~ = #", False, "这是计划阶段的任务。"),
            ImportedOption("开展介入", False, ""),
            ImportedOption("结案", False, "结案在最后。"),
        ],
        explanation="<p>接案是通用过程的第一步。</p>",
        ref="Q-0001",
        chapter_code="J-CA-03",
        knowledge_point_codes=["J-CA-03-02", "J-CA-03-03"],
        difficulty=2,
        source="2023",
    ),
    ImportedQuestion(
        line=0,
        type="multiple_choice",
        stem="<p>下列属于小组工作模式的有：</p>",
        options=[
            ImportedOption("社会目标模式", True, "对"),
            ImportedOption("治疗模式", True, ""),
            ImportedOption("交互模式", True, ""),
            ImportedOption("危机介入模式", False, "个案模式"),
            ImportedOption("任务中心模式", False, ""),
        ],
        ref="Q-0002",
        knowledge_point_codes=["J-CA-03-02"],
        difficulty=3,
        source="original",
    ),
    ImportedQuestion(
        line=0,
        type="true_false",
        stem="<p>社会工作者可以替服务对象做决定。</p>",
        options=[ImportedOption("对", False, "违背案主自决"), ImportedOption("错", True, "")],
        ref="Q-0003",
        knowledge_point_codes=["J-CA-03-02"],
        difficulty=1,
        source="original",
    ),
    ImportedQuestion(
        line=0,
        type="case_analysis",
        stem="<p>案例：李奶奶，78 岁，独居。</p><p>请回答下列问题。</p>",
        parts=[
            ImportedPart("分析李奶奶的需要。", Decimal(6), ["生理需要", "社会交往需要"]),
            ImportedPart("设计介入策略。", Decimal("8.5"), ["链接资源"]),
        ],
        explanation="<p>参考要点见各小题。</p>",
        ref="Q-0004",
        chapter_code="J-CA-03",
        knowledge_point_codes=["J-CA-03-02"],
        difficulty=4,
        source="2024",
    ),
]


def copies():
    import copy

    return copy.deepcopy(QUESTIONS)


# -- shared text helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<p>一段</p>",
        "<p>a &lt; b &amp; c</p>",
        "<p>第一段</p><p>第二<br/>行</p>",
        "<p><b>粗</b></p>",
    ],
)
def test_plain_text_and_html_give_each_other_back(html):
    assert html_from_text(text_from_html(html)) == html


# -- GIFT ------------------------------------------------------------------------------------

GIFT_DOC = r"""// Moodle's documented examples, and some of Qihang's metadata lines
$CATEGORY: $course$/top/社会工作

// 考点: J-CA-03-02
::Grant::Who's buried in Grant's tomb?{~Grant ~Jefferson =no one#Right!}

Grant is {~buried =entombed ~living} in Grant's tomb.

// 考点: J-CA-03-02
Grant was buried in a tomb in New York City.{T}

The sun rises in the West.{FALSE#Wrong, it rises in the East.#Yes}

What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
   ####Grant and his wife lie there.
}

::Escapes::[html]<p>1 \= 1 \{not\} \~ \# \: ok\nnext</p>{=yes ~no}

Two plus two equals {#4}

Match {=cat -> 猫 =dog -> 狗 =bird -> 鸟}

Who's buried in Grant's tomb?{=no one =nobody}

Write about Grant.{}

// 题型: case_analysis
// 小题: 6 | 分析需要 | 要点一；要点二
// 小题: 4 | 介入策略 | 要点三
李奶奶的案例。{}

A description, no answers.
"""


def test_gift_reads_moodles_examples():
    parsed = gift.parse(GIFT_DOC.encode(), "bank.gift")
    assert messages(parsed) == []
    questions = {q.line: q for q in parsed.questions}
    first = questions[5]
    assert first.type == "single_choice"
    assert first.stem == "<p>Who's buried in Grant's tomb?</p>"
    assert [o.correct for o in first.options] == [False, False, True]
    assert first.options[2].explanation == "Right!"
    assert first.knowledge_point_codes == ["J-CA-03-02"]
    missing_word = questions[7]
    assert "_____" in missing_word.stem
    assert [o.text for o in missing_word.options if o.correct] == ["entombed"]
    true = questions[10]
    assert true.type == "true_false"
    assert [(o.text, o.correct) for o in true.options] == [("对", True), ("错", False)]
    false = questions[12]
    assert [(o.text, o.correct) for o in false.options] == [("对", False), ("错", True)]
    assert false.options[0].explanation == "Wrong, it rises in the East."
    assert false.options[1].explanation == "Yes"
    weighted = questions[14]
    assert weighted.type == "multiple_choice"
    assert [o.correct for o in weighted.options] == [False, True, True, False]
    assert weighted.explanation == "<p>Grant and his wife lie there.</p>"
    escaped = questions[22]
    assert escaped.stem == "<p>1 = 1 {not} ~ # : ok\nnext</p>"
    case = questions[35]
    assert case.type == "case_analysis"
    assert [(p.prompt, p.points, p.key_points) for p in case.parts] == [
        ("分析需要", Decimal(6), ["要点一", "要点二"]),
        ("介入策略", Decimal(4), ["要点三"]),
    ]


def test_gift_skips_what_qihang_cannot_represent_by_line():
    parsed = gift.parse(GIFT_DOC.encode(), "bank.gift")
    skipped = messages(parsed, skipped=True)
    assert [line for line, _m in skipped] == [24, 26, 28, 30, 37]
    assert "Numeric" in skipped[0][1]
    assert "Matching" in skipped[1][1]
    assert "Short-answer" in skipped[2][1]
    assert "essay" in skipped[3][1]
    assert "description" in skipped[4][1]
    assert len(parsed.questions) == 7


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Q1{=a ~b}\n\nQ2 {=a ~b\n~c\n", 3, "closing"),
        ("Q1 {~a ~b}", 1, "No answer is marked correct"),
        ("// 难度: 9\nQ1 {=a ~b}", 2, "difficulty"),
        ("::title without end {=a ~b}", 1, "title"),
        ("Q } {=a ~b}", 1, "“}”"),
    ],
)
def test_gift_errors_name_the_line(text, line, words):
    errors = messages(gift.parse(text.encode(), "x.gift"))
    assert errors
    assert errors[0][0] == line
    assert words in errors[0][1]


def test_gift_encodings():
    text = "// 考点: J-CA-03-02\n社会工作者的首要任务是{=接案 ~结案}\n"
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("gbk")):
        parsed = gift.parse(data, "x.gift")
        assert messages(parsed) == []
        assert parsed.questions[0].stem == "<p>社会工作者的首要任务是</p>"
    broken = "第一行\n第二行\n".encode() + b"\xff\xfe\xfa bad\n"
    assert messages(gift.parse(broken, "x.gift"))[0][0] == 3
    truncated = text.encode()[: text.encode().index("结".encode()) + 1]
    assert "truncated" in messages(gift.parse(truncated, "x.gift"))[0][1]
    assert "not a text file" in messages(gift.parse(xlsx.template(), "x.gift"))[0][1]


def test_gift_round_trip():
    data = gift.write(copies())
    parsed = gift.parse(data, "x.gift")
    assert messages(parsed) == []
    assert len(parsed.questions) == len(QUESTIONS)
    for original, back in zip(copies(), parsed.questions, strict=True):
        assert same(original, back), (original, back)


# -- Aiken -----------------------------------------------------------------------------------

AIKEN_DOC = """What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

Which LMS has the most quiz import formats?
A) Moodle
B) ATutor
C) Claroline
D) Blackboard
E) WebCT
F) Ilias
ANSWER: A
"""


def test_aiken_reads_moodles_examples():
    parsed = aiken.parse(AIKEN_DOC.encode(), "x.txt")
    assert messages(parsed) == []
    first, second = parsed.questions
    assert (first.line, second.line) == (1, 8)
    assert [o.correct for o in first.options] == [False, False, False, True]
    assert len(second.options) == 6
    assert second.options[0].text == "Moodle"
    assert second.options[0].correct


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Q1\nA. a\nB. b\n", 1, "ANSWER"),
        ("Q1\nA. a\nB. b\nANSWER: C\n", 4, "option letters"),
        ("Q1\nA. a\nC. c\nANSWER: A\n", 3, "option B"),
        ("Q1\nA. a\nANSWER: A\n", 1, "two options"),
        ("A. a\nB. b\nANSWER: A\n", 1, "without a question"),
    ],
)
def test_aiken_errors_name_the_line(text, line, words):
    errors = messages(aiken.parse(text.encode(), "x.txt"))
    assert errors
    assert errors[0][0] == line
    assert words in errors[0][1]


def test_aiken_reads_gbk():
    text = "// 考点: J-CA-03-02\n社会工作的首要任务？\nA. 接案\nB. 结案\nANSWER: A\n"
    parsed = aiken.parse(text.encode("gbk"), "x.txt")
    assert messages(parsed) == []
    assert parsed.questions[0].stem == "<p>社会工作的首要任务？</p>"
    assert parsed.questions[0].knowledge_point_codes == ["J-CA-03-02"]


def test_aiken_round_trip_of_what_it_carries():
    kept = [q for q in copies() if aiken.supports(q)]
    for question in kept:  # Aiken carries no explanations
        question.explanation = ""
        for option in question.options:
            option.explanation = ""
    data = aiken.write(copies())
    parsed = aiken.parse(data, "x.txt")
    assert messages(parsed) == []
    assert len(parsed.questions) == len(kept) == 2
    for original, back in zip(kept, parsed.questions, strict=True):
        assert same(original, back), (original, back)


# -- XLSX ------------------------------------------------------------------------------------


def workbook(rows, header) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "答案",
    "解析",
    "考点编码",
    "难度",
    "来源",
]


def test_xlsx_reads_the_chinese_template():
    data = workbook(
        [
            [
                "单选题",
                "接案阶段首先应当？",
                "建立关系",
                "制定计划",
                "介入",
                "结案",
                None,
                "A",
                "解析",
                "J-CA-03-02",
                2,
                "2023",
            ],
            [
                "多选题",
                "小组工作模式有？",
                "社会目标",
                "治疗",
                "交互",
                "危机介入",
                "任务中心",
                "A、B、C",
                None,
                "J-CA-03-02；J-CA-03-03",
                None,
                "原创",
            ],
            [
                "判断题",
                "社工可以替案主做决定。",
                None,
                None,
                None,
                None,
                None,
                "错",
                None,
                "J-CA-03-02",
                1,
                None,
            ],
        ],
        HEADER,
    )
    parsed = xlsx.parse(data, "bank.xlsx")
    assert messages(parsed) == []
    single, multiple, judge = parsed.questions
    assert (single.line, single.difficulty, single.source) == (2, 2, "2023")
    assert single.stem == "<p>接案阶段首先应当？</p>"
    assert [o.correct for o in multiple.options] == [True, True, True, False, False]
    assert multiple.knowledge_point_codes == ["J-CA-03-02", "J-CA-03-03"]
    assert multiple.source == "original"
    assert [(o.text, o.correct) for o in judge.options] == [("对", False), ("错", True)]


def test_xlsx_accepts_english_headers_and_sub_question_columns():
    header = ["type", "stem", "answer", "knowledge points", "小题1题目", "小题1分值", "小题1要点"]
    data = workbook(
        [["case_analysis", "案例", None, "J-CA-03-02", "分析需要", 6, "要点一；要点二"]], header
    )
    parsed = xlsx.parse(data, "bank.xlsx")
    assert messages(parsed) == []
    assert parsed.questions[0].parts == [ImportedPart("分析需要", Decimal(6), ["要点一", "要点二"])]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (
            ["填空题", "题", "a", "b", None, None, None, "A", None, "K", None, None],
            "Unknown question type",
        ),
        (
            ["单选题", "题", "a", "b", None, None, None, "C", None, "K", None, None],
            "names no option",
        ),
        (["单选题", "题", "a", None, "c", None, None, "A", None, "K", None, None], "empty between"),
        (["单选题", "题", "a", "b", None, None, None, "A", None, "K", 7, None], "difficulty"),
        (["单选题", "题", "a", "b", None, None, None, "A", None, "K", None, "去年"], "source"),
        (["单选题", None, "a", "b", None, None, None, "A", None, "K", None, None], "no text"),
        (["单选题", "题", "a", "b", None, None, None, None, None, "K", None, None], "empty"),
    ],
)
def test_xlsx_errors_name_the_row(row, words):
    ok = ["单选题", "题", "a", "b", None, None, None, "A", None, "K", None, None]
    errors = messages(xlsx.parse(workbook([ok, row], HEADER), "bank.xlsx"))
    assert [line for line, _m in errors] == [3]
    assert words in errors[0][1]


def test_xlsx_unknown_and_missing_columns():
    errors = messages(xlsx.parse(workbook([["单选题"]], ["题型", "备注栏"]), "x.xlsx"))
    assert [line for line, _m in errors] == [1, 1]
    assert "备注栏" in errors[0][1]
    assert "题干" in errors[1][1]


def test_xlsx_refuses_what_is_not_a_workbook():
    not_xlsx = "not an Excel workbook"
    good = xlsx.write(copies())
    for data in (b"", b"hello", "题型,题干\n".encode("gbk"), good[: len(good) // 2]):
        assert not_xlsx in messages(xlsx.parse(data, "x.xlsx"))[0][1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert not_xlsx in messages(xlsx.parse(buffer.getvalue(), "x.xlsx"))[0][1]


def test_xlsx_refuses_a_zip_bomb_before_opening_it(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    bomb = buffer.getvalue()
    assert len(bomb) < 20_000
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1_000_000)
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    assert "too much data" in messages(xlsx.parse(bomb, "x.xlsx"))[0][1]
    assert opened == []
    with pytest.raises(ZipTooLargeError):
        zip_member_names(bomb, max_unpacked_bytes=1_000_000)
    with pytest.raises(NotAZipError):
        zip_member_names(b"PK\x03\x04broken", max_unpacked_bytes=1_000_000)


def test_xlsx_template_has_instructions_and_validation():
    data = xlsx.template()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["题目", "说明"]
    sheet = book["题目"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["编号", "题型", "题干"]
    assert {"答案", "解析", "章节编码", "考点编码", "难度", "来源", "小题1题目"} <= set(header)
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("单选题" in (f or "") for f in formulas)
    assert "小题" in "".join(str(row[0].value) for row in book["说明"].iter_rows())
    parsed = xlsx.parse(data, "template.xlsx")
    assert parsed.problems == []
    assert parsed.questions == []


def test_xlsx_round_trip():
    questions = copies()
    questions[0].options[0].text = "=SUM(A1)"  # text, never a formula
    data = xlsx.write(questions)
    parsed = xlsx.parse(data, "x.xlsx")
    assert messages(parsed) == []
    for original, back in zip(questions, parsed.questions, strict=True):
        assert same(original, back), (original, back)


def test_windows_line_endings():
    text = "// 考点: J-CA-03-02\r\n题一{=a ~b}\r\n\r\n题二{T}\r\n"
    parsed = gift.parse(text.encode("gbk"), "x.gift")
    assert messages(parsed) == []
    assert [q.line for q in parsed.questions] == [2, 4]
    parsed = aiken.parse(b"Q1\r\nA. a\r\nB. b\r\nANSWER: B\r\n", "x.txt")
    assert messages(parsed) == []
    assert parsed.questions[0].options[1].correct


@pytest.mark.parametrize("name", ["xlsx", "gift", "moodle_xml", "qti"])
@pytest.mark.parametrize(
    "key_points",
    [
        ["资料覆盖个人、家庭、环境三个层面；缺一项扣 1 分"],
        ["要点一；含分号", "要点二 | 含竖线"],
        ["甲", "乙"],
    ],
)
def test_key_points_with_separators_survive_the_round_trip(name, key_points):
    from quizzes.formats.base import ImportedPart, ImportedQuestion
    from quizzes.formats.registry import format_module

    module = format_module(name)
    question = ImportedQuestion(
        line=1,
        type="case_analysis",
        stem="<p>案例：王先生一家。</p>",
        parts=[ImportedPart(prompt="请分析需要。", points=Decimal(6), key_points=key_points)],
        ref="R-KP-1",
        chapter_code="J-PR-03",
        knowledge_point_codes=["J-PR-03-01"],
        difficulty=3,
        source="original",
    )
    parsed = module.parse(module.write([question]), f"bank{module.EXTENSIONS[0]}")
    assert not parsed.errors
    back = parsed.questions[0].parts[0].key_points
    expected = [point.replace("|", "｜") for point in key_points] if name == "gift" else key_points
    assert back == expected
