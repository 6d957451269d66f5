"""QTI: 1EdTech QTI 3.0 items and content packages; QTI 2.1 items and packages are read too.

Read: an item (``qti-assessment-item``, or ``assessmentItem`` in 2.1) on its own, or a ZIP
package whose ``imsmanifest.xml`` lists item resources (``imsqti_item_xmlv3p0``,
``imsqti_item_xmlv2p1``, …). One ``qti-choice-interaction`` makes a choice question
(``max-choices="1"`` single choice, or true/false when its two choices say true and false;
otherwise multiple choice), the keys from ``qti-correct-response`` (or positive
``qti-mapping`` entries); one or more ``qti-extended-text-interaction`` make a human-marked
question, one sub-question each. Any other interaction (match, order, hotspot, text entry,
inline choice, …) skips the item; in a package the problem's line is the item's position in the
manifest and its message names the item's file.

Written: QTI 3.0. One question → one item XML; several → a package ZIP with a manifest and
``items/NNNN.xml``.

Qihang's own fields (the convention, data-* attributes QTI 3.0 allows on body elements):

- on ``qti-item-body``: ``data-ref``, ``data-type`` (Qihang's question type),
  ``data-chapter``, ``data-knowledge-points`` (codes separated by spaces), ``data-difficulty``
  (1–5) and ``data-source``; the stem is ``<div class="qihang-stem">`` in the body;
- per option: a ``qti-feedback-inline`` inside its ``qti-simple-choice`` (shown for that
  choice: FEEDBACK takes the response);
- the explanation: ``qti-modal-feedback identifier="EXPLANATION"`` (always shown);
- per sub-question: ``data-points`` and a ``qti-prompt`` on its
  ``qti-extended-text-interaction``, key points as a list in the
  ``qti-rubric-block view="scorer" data-part="N"`` that follows it.

Items from elsewhere: the stem is the body without interactions, rubrics and feedback, plus the
choice interaction's prompt; an item's ``identifier`` is its ref; option texts are read as
plain text. Stems are normalised to well-formed XHTML on the way out (``<br>`` → ``<br/>``,
character references → characters).
"""

import io
import posixpath
import re
import zipfile
from decimal import Decimal, InvalidOperation

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
from .xmlsafe import (
    Node,
    XmlError,
    html_to_text,
    html_to_xhtml,
    inner_html,
    open_zip,
    parse_xml,
    xml_attr,
    xml_text,
)

NAME = "qti"
EXTENSIONS = (".zip", ".xml")

QTI3_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI2_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP3_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
TRUE_WORDS = {"true", "正确", "对", "是", "√"}
FALSE_WORDS = {"false", "错误", "错", "否", "×"}
CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
HUMAN_MARKED = ("case_analysis", "service_plan", "essay")
_QTI2_LOWER = {"value", "prompt", "mapping"}
_NOT_STEM = {
    "qti-rubric-block",
    "qti-modal-feedback",
    "qti-feedback-block",
    "qti-feedback-inline",
    "qti-template-block",
}


class _Invalid(Exception):
    pass


# --- reading ------------------------------------------------------------------------------------


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


def _to_qti3(node: Node) -> None:
    """Rename QTI 2.x elements and attributes to their QTI 3.0 names (HTML is left alone)."""
    for item in node.iter():
        if item.tag in _QTI2_LOWER or re.search(r"[A-Z]", item.tag):
            item.tag = "qti-" + _kebab(item.tag)
            item.attrs = {_kebab(key): value for key, value in item.attrs.items()}


def _clone_without(node: Node, drop) -> Node:
    copy = Node(node.tag, node.ns, dict(node.attrs), node.line)
    for child in node.children:
        if isinstance(child, str):
            copy.children.append(child)
        elif not drop(child):
            copy.children.append(_clone_without(child, drop))
    return copy


def _plain(node: Node | None) -> str:
    if node is None:
        return ""
    return html_to_text(inner_html(_clone_without(node, lambda n: n.tag in _NOT_STEM)))


def _stem(body: Node, interaction: Node | None) -> str:
    marked = next((n for n in body.iter("div") if "qihang-stem" in n.get("class").split()), None)
    if marked is not None:
        return inner_html(marked)
    rest = _clone_without(body, lambda n: n.tag in _NOT_STEM or n.tag.endswith("-interaction"))
    stem = inner_html(rest).strip()
    prompt = interaction.find("qti-prompt") if interaction is not None else None
    if prompt is not None:
        stem += inner_html(prompt).strip()
    return stem


def _explanation(root: Node, used: set[str]) -> str:
    feedbacks = [n for n in root.elements("qti-modal-feedback") if n.get("identifier") not in used]
    chosen = [n for n in feedbacks if n.get("identifier") == "EXPLANATION"] or feedbacks
    parts = []
    for feedback in chosen:
        content = feedback.find("qti-content-body") or feedback
        parts.append(inner_html(content).strip())
    return "".join(parts)


def _qihang_fields(body: Node, question: ImportedQuestion, identifier: str) -> None:
    question.ref = body.attrs.get("data-ref", identifier)
    question.chapter_code = body.get("data-chapter").strip()
    question.knowledge_point_codes = body.get("data-knowledge-points").split()
    question.source = body.get("data-source").strip()
    difficulty = body.get("data-difficulty").strip()
    if difficulty:
        if difficulty not in {"1", "2", "3", "4", "5"}:
            raise _Invalid(
                _("data-difficulty must be 1 to 5, not “%(value)s”.") % {"value": difficulty}
            )
        question.difficulty = int(difficulty)


def _keys(root: Node, response: str) -> set[str]:
    for declaration in root.elements("qti-response-declaration"):
        if declaration.get("identifier") != response:
            continue
        correct = declaration.find("qti-correct-response")
        if correct is not None:
            return {value.text().strip() for value in correct.elements("qti-value")}
        mapping = declaration.find("qti-mapping")
        if mapping is not None:
            keys = set()
            for entry in mapping.elements("qti-map-entry"):
                try:
                    if float(entry.get("mapped-value", "0")) > 0:
                        keys.add(entry.get("map-key"))
                except ValueError:
                    continue
            return keys
    return set()


def _read_choice(root: Node, body: Node, interaction: Node, declared: str) -> ImportedQuestion:
    keys = _keys(root, interaction.get("response-identifier"))
    choices = interaction.elements("qti-simple-choice")
    feedback = {n.get("identifier"): n for n in root.elements("qti-modal-feedback")}
    options = []
    for choice in choices:
        identifier = choice.get("identifier")
        inline = next(iter(choice.iter("qti-feedback-inline")), None)
        explanation = _plain(inline) if inline is not None else _plain(feedback.get(identifier))
        options.append(ImportedOption(_plain(choice), identifier in keys, explanation))
    words = [option.text.strip().lower() for option in options]
    if declared in CHOICE_TYPES:
        kind = declared
    elif interaction.get("max-choices", "1") == "1":
        kind = "single_choice"
        if len(words) == 2 and {words[0], words[1]} & TRUE_WORDS and set(words) & FALSE_WORDS:
            kind = "true_false"
    else:
        kind = "multiple_choice"
    if kind == "true_false" and declared != "true_false" and len(options) == 2:
        if words[0] in FALSE_WORDS:
            options.reverse()
        options[0].text, options[1].text = "正确", "错误"
    used = {choice.get("identifier") for choice in choices}
    return ImportedQuestion(
        line=0,
        type=kind,
        stem=_stem(body, interaction),
        options=options,
        explanation=_explanation(root, used),
    )


def _points(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _read_parts(root: Node, body: Node, interactions: list[Node], declared: str):
    rubrics = [n for n in body.iter("qti-rubric-block") if "scorer" in n.get("view").split()]
    by_part = {n.get("data-part"): n for n in rubrics if n.get("data-part")}
    score = next(
        (n for n in root.elements("qti-outcome-declaration") if n.get("identifier") == "SCORE"),
        None,
    )
    parts = []
    for index, interaction in enumerate(interactions, 1):
        raw = interaction.get("data-points")
        if not raw and len(interactions) == 1 and score is not None:
            raw = score.get("normal-maximum")
        points = _points(raw or "1")
        if points is None:
            raise _Invalid(_("The points “%(value)s” are not a number.") % {"value": raw})
        rubric = by_part.get(str(index))
        if rubric is None and len(interactions) == 1 and rubrics:
            rubric = rubrics[0]
        key_points = []
        if rubric is not None:
            items = list(rubric.iter("li"))
            if items:
                key_points = [item.text().strip() for item in items if item.text().strip()]
            else:
                key_points = [line for line in _plain(rubric).split("\n") if line.strip()]
        prompt = interaction.find("qti-prompt")
        parts.append(ImportedPart(_plain(prompt), points, key_points))
    return ImportedQuestion(
        line=0,
        type=declared if declared in HUMAN_MARKED else "essay",
        stem=_stem(body, None),
        parts=parts,
        explanation=_explanation(root, set()),
    )


def _read_item(root: Node, line: int, path: str) -> ImportedQuestion | Problem:
    if root.tag == "assessmentItem":
        _to_qti3(root)
    if root.tag != "qti-assessment-item":
        return Problem(
            line,
            _("%(path)s is not a QTI assessment item (its root element is <%(tag)s>).")
            % {"path": path, "tag": root.tag},
        )
    body = root.find("qti-item-body")
    if body is None:
        return Problem(line, _("%(path)s has no item body.") % {"path": path})
    interactions = [n for n in body.iter() if n.tag.endswith("-interaction")]
    kinds = {n.tag for n in interactions}
    unsupported = sorted(kinds - {"qti-choice-interaction", "qti-extended-text-interaction"})
    choice = [n for n in interactions if n.tag == "qti-choice-interaction"]
    if unsupported or not interactions or (choice and len(interactions) > 1):
        what = ", ".join(unsupported) or (
            _("no interaction") if not interactions else _("several interactions")
        )
        return Problem(
            line,
            _("Item %(path)s uses what Qihang cannot represent (%(what)s); skipped.")
            % {"path": path, "what": what},
            skipped=True,
        )
    declared = body.get("data-type")
    try:
        if choice:
            question = _read_choice(root, body, choice[0], declared)
        else:
            question = _read_parts(root, body, interactions, declared)
        _qihang_fields(body, question, root.get("identifier"))
    except _Invalid as error:
        return Problem(line, _("%(path)s: %(message)s") % {"path": path, "message": error})
    question.line = line
    return question


def _add(parsed: Parsed, result: ImportedQuestion | Problem) -> None:
    if isinstance(result, Problem):
        parsed.problems.append(result)
    else:
        parsed.questions.append(result)


def _parse_package(data: bytes, parsed: Parsed) -> None:
    package = open_zip(data)
    if isinstance(package, str):
        parsed.problems.append(Problem(1, package))
        return
    manifest_bytes = package.read("imsmanifest.xml")
    if manifest_bytes is None:
        parsed.problems.append(Problem(1, _("The package has no imsmanifest.xml.")))
        return
    try:
        manifest = parse_xml(manifest_bytes)
    except XmlError as error:
        parsed.problems.append(
            Problem(error.line, _("imsmanifest.xml: %(message)s") % {"message": error.message})
        )
        return
    resources = [
        n for n in manifest.iter("resource") if n.get("type").startswith("imsqti_item_xml")
    ]
    if len(resources) > MAX_QUESTIONS:
        parsed.problems.append(
            Problem(1, _("The package has more than %(n)s items.") % {"n": MAX_QUESTIONS})
        )
        return
    for position, resource in enumerate(resources, 1):
        file = resource.find("file")
        href = resource.get("href") or (file.get("href") if file is not None else "")
        path = posixpath.normpath(href) if href else ""
        if not path or path.startswith(("/", "..")) or ":" in path.split("/")[0]:
            parsed.problems.append(
                Problem(
                    position,
                    _("Item %(n)s has no usable file path (“%(path)s”).")
                    % {"n": position, "path": href},
                )
            )
            continue
        content = package.read(path)
        if content is None:
            parsed.problems.append(
                Problem(position, _("%(path)s is missing from the package.") % {"path": path})
            )
            continue
        try:
            root = parse_xml(content)
        except XmlError as error:
            parsed.problems.append(
                Problem(position, _("%(path)s: %(message)s") % {"path": path, "message": error})
            )
            continue
        _add(parsed, _read_item(root, position, path))


def parse(data: bytes, filename: str) -> Parsed:
    parsed = Parsed()
    if data[:2] == b"PK":
        _parse_package(data, parsed)
        return parsed
    try:
        root = parse_xml(data)
    except XmlError as error:
        parsed.problems.append(Problem(error.line, error.message))
        return parsed
    _add(parsed, _read_item(root, root.line, filename))
    return parsed


# --- writing ------------------------------------------------------------------------------------


def _number(value) -> str:
    text = f"{Decimal(value):.5f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _identifier(question: ImportedQuestion, index: int) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", question.ref)
    if not cleaned or not re.match(r"[A-Za-z_]", cleaned):
        cleaned = f"qihang-{index:04d}" + (f"-{cleaned}" if cleaned else "")
    return cleaned


def _body_attrs(question: ImportedQuestion) -> str:
    attrs = {
        "data-ref": question.ref,
        "data-type": question.type,
        "data-chapter": question.chapter_code,
        "data-knowledge-points": " ".join(question.knowledge_point_codes),
        "data-difficulty": "" if question.difficulty is None else str(question.difficulty),
        "data-source": question.source,
    }
    return "".join(
        f' {key}="{xml_attr(value)}"' for key, value in attrs.items() if value or key == "data-ref"
    )


def _choice_parts(question: ImportedQuestion) -> tuple[str, str, str]:
    """(declarations, interaction, response processing) of a choice question."""
    ids = [chr(ord("A") + i) if i < 26 else f"C{i + 1}" for i in range(len(question.options))]
    single = question.type != "multiple_choice"
    cardinality = "single" if single else "multiple"
    values = "".join(
        f"<qti-value>{identifier}</qti-value>"
        for identifier, option in zip(ids, question.options, strict=True)
        if option.correct
    )
    declarations = (
        f'  <qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}" '
        f'base-type="identifier">\n'
        f"    <qti-correct-response>{values}</qti-correct-response>\n"
        "  </qti-response-declaration>\n"
        '  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float" '
        f'normal-maximum="{1 if single else 2}"/>\n'
        f'  <qti-outcome-declaration identifier="FEEDBACK" cardinality="{cardinality}" '
        'base-type="identifier"/>\n'
    )
    choices = []
    for identifier, option in zip(ids, question.options, strict=True):
        feedback = (
            f'<qti-feedback-inline outcome-identifier="FEEDBACK" identifier="{identifier}" '
            f'show-hide="show">{xml_text(option.explanation)}</qti-feedback-inline>'
            if option.explanation
            else ""
        )
        choices.append(
            f'      <qti-simple-choice identifier="{identifier}">'
            f"{xml_text(option.text)}{feedback}</qti-simple-choice>\n"
        )
    interaction = (
        '    <qti-choice-interaction response-identifier="RESPONSE" '
        f'max-choices="{1 if single else len(question.options)}" shuffle="false">\n'
        f"{''.join(choices)}    </qti-choice-interaction>\n"
    )
    processing = (
        "  <qti-response-processing>\n"
        "    <qti-response-condition><qti-response-if><qti-match>"
        '<qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>'
        '<qti-set-outcome-value identifier="SCORE">'
        f'<qti-base-value base-type="float">{1 if single else 2}</qti-base-value>'
        "</qti-set-outcome-value></qti-response-if></qti-response-condition>\n"
        '    <qti-set-outcome-value identifier="FEEDBACK">'
        '<qti-variable identifier="RESPONSE"/></qti-set-outcome-value>\n'
        "  </qti-response-processing>\n"
    )
    return declarations, interaction, processing


def _essay_parts(question: ImportedQuestion) -> tuple[str, str, str]:
    declarations, body = [], []
    total = sum((part.points for part in question.parts), Decimal(0))
    for number, part in enumerate(question.parts, 1):
        declarations.append(
            f'  <qti-response-declaration identifier="RESPONSE_{number}" cardinality="single" '
            'base-type="string"/>\n'
        )
        items = "".join(f"<li>{xml_text(point)}</li>" for point in part.key_points)
        body.append(
            f'    <qti-extended-text-interaction response-identifier="RESPONSE_{number}" '
            f'data-points="{_number(part.points)}">'
            f"<qti-prompt>{xml_text(part.prompt)}</qti-prompt>"
            "</qti-extended-text-interaction>\n"
            f'    <qti-rubric-block use="scoring" view="scorer" data-part="{number}">'
            f"<qti-content-body><ul>{items}</ul></qti-content-body></qti-rubric-block>\n"
        )
    declarations.append(
        '  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float" '
        f'normal-maximum="{_number(total)}"/>\n'
    )
    return "".join(declarations), "".join(body), ""


def write_item(question: ImportedQuestion, index: int = 1) -> bytes:
    """One question as a QTI 3.0 item."""
    if question.type in HUMAN_MARKED:
        declarations, interaction, processing = _essay_parts(question)
    else:
        declarations, interaction, processing = _choice_parts(question)
    title = question.ref or strip_tags(question.stem).strip()[:60] or "-"
    explanation = (
        '  <qti-outcome-declaration identifier="FEEDBACK_MODAL" cardinality="single" '
        'base-type="identifier"><qti-default-value><qti-value>EXPLANATION</qti-value>'
        "</qti-default-value></qti-outcome-declaration>\n"
        if question.explanation
        else ""
    )
    modal = (
        '  <qti-modal-feedback outcome-identifier="FEEDBACK_MODAL" identifier="EXPLANATION" '
        f'show-hide="show"><qti-content-body>{html_to_xhtml(question.explanation)}'
        "</qti-content-body></qti-modal-feedback>\n"
        if question.explanation
        else ""
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<qti-assessment-item xmlns="{QTI3_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{QTI3_NS} '
        'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd" '
        f'identifier="{_identifier(question, index)}" title="{xml_attr(title)}" '
        'adaptive="false" time-dependent="false" xml:lang="zh-CN">\n'
        f"{declarations}{explanation}"
        f"  <qti-item-body{_body_attrs(question)}>\n"
        f'    <div class="qihang-stem">{html_to_xhtml(question.stem)}</div>\n'
        f"{interaction}"
        "  </qti-item-body>\n"
        f"{processing}{modal}"
        "</qti-assessment-item>\n"
    )
    return text.encode("utf-8")


def _manifest(paths: list[str]) -> bytes:
    resources = "".join(
        f'    <resource identifier="R{index:04d}" type="imsqti_item_xmlv3p0" href="{path}">'
        f'<file href="{path}"/></resource>\n'
        for index, path in enumerate(paths, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="{CP3_NS}" identifier="qihang-questions">\n'
        "  <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata>\n"
        "  <organizations/>\n"
        f"  <resources>\n{resources}  </resources>\n"
        "</manifest>\n"
    ).encode()


def write(questions: list[ImportedQuestion]) -> bytes:
    """One question: a QTI 3.0 item XML; several (or none): a QTI 3.0 content package ZIP."""
    if len(questions) == 1:
        return write_item(questions[0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        paths = [f"items/{index:04d}.xml" for index in range(1, len(questions) + 1)]
        package.writestr("imsmanifest.xml", _manifest(paths))
        for index, (path, question) in enumerate(zip(paths, questions, strict=True), 1):
            package.writestr(path, write_item(question, index))
    return buffer.getvalue()
