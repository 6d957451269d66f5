"""Moodle XML and QTI: reading, skipping, refusing hostile files, and the round trip."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation

from quizzes.formats import moodle_xml, qti
from quizzes.formats.base import ImportedOption, ImportedPart, ImportedQuestion

MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/社会工作综合能力</text></category>
  </question>
  <question type="multichoice">
    <name><text>接案</text></name>
    <questiontext format="html"><text>
      <![CDATA[<p>小王在<strong>接案</strong>阶段首先应当（　）。</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>先建立关系。</p>]]></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <idnumber>J-CA-06-001</idnumber>
    <single>true</single>
    <answer fraction="0"><text>制定计划</text><feedback><text>太早</text></feedback></answer>
    <answer fraction="100" format="html"><text><![CDATA[<p>建立专业关系</p>]]></text>
      <feedback format="html"><text>对</text></feedback></answer>
    <answer fraction="0"><text>评估</text></answer>
    <tags><tag><text>chapter:J-CA-06</text></tag><tag><text>kp:J-CA-06-02</text></tag>
      <tag><text>difficulty:3</text></tag><tag><text>source:2024</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>m</text></name>
    <questiontext format="html"><text>多选</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>甲</text></answer>
    <answer fraction="50"><text>乙</text></answer>
    <answer fraction="-100"><text>丙</text></answer>
  </question>
  <question type="truefalse">
    <name><text>t</text></name>
    <questiontext format="html"><text>判断</text></questiontext>
    <answer fraction="0"><text>true</text><feedback><text>不对</text></feedback></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>论述社区矫正</text></name>
    <questiontext format="html"><text><![CDATA[<p>论述</p>]]></text></questiontext>
    <defaultgrade>20</defaultgrade>
    <graderinfo format="html"><text>
      <![CDATA[<ul><li>要点一</li><li>要点二</li></ul>]]></text></graderinfo>
  </question>
  <question type="matching"><name><text>x</text></name></question>
  <question type="numerical"><name><text>x</text></name></question>
  <question type="shortanswer"><name><text>x</text></name></question>
  <question type="cloze"><name><text>x</text></name></question>
  <question type="ddwtos"><name><text>x</text></name></question>
  <question type="description"><name><text>x</text></name></question>
</quiz>
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_moodle_reads_supported_types():
    parsed = moodle_xml.parse(MOODLE.encode(), "bank.xml")
    assert parsed.errors == []
    single, multiple, true_false, essay = parsed.questions
    assert single.type == "single_choice"
    assert single.line == 6  # the line of its <question>
    assert single.stem == "<p>小王在<strong>接案</strong>阶段首先应当（　）。</p>"
    assert [o.text for o in single.options] == ["制定计划", "建立专业关系", "评估"]
    assert [o.correct for o in single.options] == [False, True, False]
    assert single.options[0].explanation == "太早"
    assert single.explanation == "<p>先建立关系。</p>"
    assert (single.ref, single.chapter_code, single.knowledge_point_codes) == (
        "J-CA-06-001",
        "J-CA-06",
        ["J-CA-06-02"],
    )
    assert (single.difficulty, single.source) == (3, "2024")
    assert multiple.type == "multiple_choice"
    assert [o.correct for o in multiple.options] == [True, True, False]
    assert true_false.type == "true_false"
    assert [(o.text, o.correct, o.explanation) for o in true_false.options] == [
        ("正确", False, "不对"),
        ("错误", True, ""),
    ]
    assert essay.type == "essay"
    assert essay.parts == [ImportedPart("论述社区矫正", Decimal(20), ["要点一", "要点二"])]


def test_moodle_skips_unsupported_types_with_their_lines():
    parsed = moodle_xml.parse(MOODLE.encode(), "bank.xml")
    lines = MOODLE.split("\n")
    expected = [
        number
        for number, text in enumerate(lines, 1)
        if any(f'type="{kind}"' in text for kind in ("matching", "numerical", "shortanswer"))
        or any(f'type="{kind}"' in text for kind in ("cloze", "ddwtos", "description"))
    ]
    assert [p.line for p in parsed.skipped] == expected
    assert "matching" in parsed.skipped[0].message


@pytest.mark.parametrize("module", [moodle_xml, qti])
def test_malformed_and_truncated_xml_is_an_error_with_its_line(module):
    truncated = MOODLE.encode()[:600]
    parsed = module.parse(truncated, "bank.xml")
    assert parsed.questions == []
    assert len(parsed.errors) == 1
    assert parsed.errors[0].line == truncated.count(b"\n") + 1
    assert "not well formed" in parsed.errors[0].message
    parsed = module.parse(b"<quiz>\n<question>\n</quiz>", "bank.xml")
    assert parsed.errors[0].line == 3
    assert "column" in parsed.errors[0].message


@pytest.mark.parametrize("module", [moodle_xml, qti])
def test_wrong_encoding_is_an_error(module):
    parsed = module.parse('<?xml version="1.0"?><quiz>中文</quiz>'.encode("gbk"), "a.xml")
    assert parsed.errors and parsed.questions == []
    gbk = '<?xml version="1.0" encoding="GBK"?><quiz>中文</quiz>'.encode("gbk")
    assert moodle_xml.parse(gbk, "a.xml").errors == []  # declared GBK is read


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&secret;</text></questiontext></question></quiz>
"""
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.replace("lol0", "lol").encode()
        for i in range(1, 10)
    )
    + b"]>\n<quiz><question type='essay'><questiontext><text>&lol9;</text></questiontext>"
    b"</question></quiz>"
)


@pytest.mark.parametrize("module", [moodle_xml, qti])
@pytest.mark.parametrize("data", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_is_refused(module, data):
    parsed = module.parse(data, "bank.xml")
    assert parsed.questions == []
    assert len(parsed.errors) == 1
    assert "document type" in parsed.errors[0].message
    assert "root:" not in repr(parsed)  # nothing of /etc/passwd
    assert "lollollol" not in repr(parsed)


QTI3_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="item-7"
    title="t" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>B</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-item-body>
    <p>社会工作的<em>核心</em>价值是？</p>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-simple-choice identifier="A">效率</qti-simple-choice>
      <qti-simple-choice identifier="B">助人自助<qti-feedback-inline outcome-identifier="FEEDBACK"
        identifier="B" show-hide="show">正是</qti-feedback-inline></qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="EXPLANATION" show-hide="show">
    <qti-content-body><p>见教材</p></qti-content-body></qti-modal-feedback>
</qti-assessment-item>
"""

QTI21_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q21" title="t"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse><value>A</value><value>C</value></correctResponse>
  </responseDeclaration>
  <responseDeclaration identifier="R2" cardinality="single" baseType="string"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="0">
      <prompt>选出正确的两项</prompt>
      <simpleChoice identifier="A">甲</simpleChoice>
      <simpleChoice identifier="B">乙</simpleChoice>
      <simpleChoice identifier="C">丙</simpleChoice>
    </choiceInteraction>
  </itemBody>
</assessmentItem>
"""

QTI21_ESSAY = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="e1" title="t">
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" normalMaximum="15"/>
  <itemBody><p>案例……</p>
    <extendedTextInteraction responseIdentifier="R"><prompt>如何介入？</prompt>
    </extendedTextInteraction>
    <rubricBlock view="scorer"><ul><li>要点</li></ul></rubricBlock>
  </itemBody>
</assessmentItem>
"""

QTI_MATCH = """<qti-assessment-item
  xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="m">
  <qti-item-body><qti-match-interaction response-identifier="R"/></qti-item-body>
</qti-assessment-item>"""


def test_qti3_item():
    parsed = qti.parse(QTI3_ITEM.encode(), "item.xml")
    assert parsed.problems == []
    (question,) = parsed.questions
    assert question.type == "single_choice"
    assert question.stem == "<p>社会工作的<em>核心</em>价值是？</p>"
    assert [(o.text, o.correct, o.explanation) for o in question.options] == [
        ("效率", False, ""),
        ("助人自助", True, "正是"),
    ]
    assert question.explanation == "<p>见教材</p>"
    assert question.ref == "item-7"


def test_qti21_items():
    (question,) = qti.parse(QTI21_ITEM.encode(), "item.xml").questions
    assert question.type == "multiple_choice"
    assert question.stem == "选出正确的两项"
    assert [o.correct for o in question.options] == [True, False, True]
    (essay,) = qti.parse(QTI21_ESSAY.encode(), "essay.xml").questions
    assert essay.type == "essay"
    assert essay.parts == [ImportedPart("如何介入？", Decimal(15), ["要点"])]


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _manifest(*hrefs: str) -> bytes:
    resources = "".join(
        f'<resource identifier="r{i}" type="imsqti_item_xmlv3p0" href="{href}"/>'
        for i, href in enumerate(hrefs)
    )
    return (
        '<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1">'
        f"<resources>{resources}</resources></manifest>"
    ).encode()


def test_qti_package_with_an_unsupported_interaction():
    package = _zip(
        {
            "imsmanifest.xml": _manifest("items/a.xml", "items/m.xml", "items/b.xml"),
            "items/a.xml": QTI3_ITEM.encode(),
            "items/m.xml": QTI_MATCH.encode(),
            "items/b.xml": QTI21_ITEM.encode(),
        }
    )
    parsed = qti.parse(package, "bank.zip")
    assert parsed.errors == []
    assert [q.line for q in parsed.questions] == [1, 3]
    (skipped,) = parsed.skipped
    assert skipped.line == 2
    assert "items/m.xml" in skipped.message
    assert "qti-match-interaction" in skipped.message


def test_zip_bomb_is_refused_before_reading():
    bomb = _zip({"imsmanifest.xml": _manifest("a.xml"), "a.xml": b"<" + b" " * 5_000_000 + b">"})
    parsed = qti.parse(bomb, "bomb.zip")
    assert parsed.questions == [] and "compressed" in parsed.errors[0].message


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "items/../../evil.xml"])
def test_path_traversal_is_refused(name):
    parsed = qti.parse(_zip({"imsmanifest.xml": _manifest("a.xml"), name: b"<a/>"}), "p.zip")
    assert parsed.questions == [] and "unsafe path" in parsed.errors[0].message


def test_too_many_members_is_refused(monkeypatch):
    from quizzes.formats import xmlsafe

    monkeypatch.setattr(xmlsafe, "MAX_MEMBERS", 5)
    members = {f"m{i}.xml": b"<a/>" for i in range(6)}
    parsed = qti.parse(_zip(members, zipfile.ZIP_STORED), "p.zip")
    assert parsed.questions == [] and "more than 5 files" in parsed.errors[0].message


def test_declared_sizes_over_the_total_are_refused(monkeypatch):
    from quizzes.formats import xmlsafe

    monkeypatch.setattr(xmlsafe, "MAX_UNPACKED_BYTES", 1000)
    members = {f"m{i}.xml": b"<a>" + b"x" * 400 + b"</a>" for i in range(3)}
    parsed = qti.parse(_zip(members, zipfile.ZIP_STORED), "p.zip")
    assert parsed.questions == [] and "unpacks to more" in parsed.errors[0].message


def _bank() -> list[ImportedQuestion]:
    codes = {"chapter_code": "J-CA-03", "knowledge_point_codes": ["J-CA-03-02", "J-CA-03-04"]}
    return [
        ImportedQuestion(
            line=1,
            type="single_choice",
            stem="<p>社会工作者小王在<strong>接案</strong>阶段 &amp; “预估”"
            "<br>首先应当（　）。</p>",
            options=[
                ImportedOption("建立专业关系", True, "接案首要任务 & <关键>"),
                ImportedOption("制定服务计划", False, "这是计划阶段"),
                ImportedOption("评估成效", False, ""),
                ImportedOption("结案", False, "太晚"),
            ],
            explanation="<p>解析：<em>接案</em>阶段]]&gt;先建关系。</p>",
            ref="J-CA-03-001",
            difficulty=3,
            source="2024",
            **codes,
        ),
        ImportedQuestion(
            line=2,
            type="multiple_choice",
            stem="<ul><li>甲</li><li>乙</li></ul>",
            options=[ImportedOption(text, text in "ABC", f"说明{text}") for text in "ABCDE"],
            explanation="",
            ref="J-CA-03-002",
            difficulty=2,
            source="original",
            **codes,
        ),
        ImportedQuestion(
            line=3,
            type="true_false",
            stem="<p>社会工作者可以替服务对象做决定。</p>",
            options=[ImportedOption("正确", False, "违背自决"), ImportedOption("错误", True)],
            ref="J-CA-03-003",
        ),
        ImportedQuestion(
            line=4,
            type="case_analysis",
            stem="<p>案例：某社区……</p><p>第二段</p>",
            parts=[
                ImportedPart("如何开展预估？", Decimal(6), ["需求评估（2 分）", "资源 & 优势"]),
                ImportedPart("设计介入方案。", Decimal("8.5"), []),
            ],
            explanation="<p>评分说明</p>",
            ref="M-PR-02-C01",
            chapter_code="M-PR-02",
            difficulty=4,
            source="original",
        ),
        ImportedQuestion(
            line=5,
            type="service_plan",
            stem="<p>为社区老人设计服务方案。</p>",
            parts=[ImportedPart("方案设计", Decimal(20), ["目标", "内容", "评估"])],
            ref="M-PR-05-S01",
        ),
        ImportedQuestion(
            line=6,
            type="essay",
            stem="<p>论述</p>",
            parts=[ImportedPart("论述题", Decimal(15), ["要点"])],
            ref="",
        ),
    ]


@pytest.mark.parametrize("module", [moodle_xml, qti])
def test_round_trip(module):
    bank = _bank()
    parsed = module.parse(module.write(bank), "bank")
    assert parsed.problems == []
    for question in parsed.questions:
        question.line = 0
    for question in bank:
        question.line = 0
    assert parsed.questions == bank


def test_qti_round_trip_of_one_item():
    (question,) = _bank()[:1]
    data = qti.write([question])
    assert data.startswith(b"<?xml")
    assert b"qti-assessment-item" in data
    (back,) = qti.parse(data, "item.xml").questions
    back.line = question.line
    assert back == question


def test_moodle_keeps_a_cdata_end_inside_html():
    question = ImportedQuestion(line=1, type="essay", stem="<p>a]]>b</p>", parts=[])
    (back,) = moodle_xml.parse(moodle_xml.write([question]), "a.xml").questions
    assert back.stem == "<p>a]]>b</p>"
