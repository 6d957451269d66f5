"""Safe XML and ZIP reading for the XML formats (Moodle XML, QTI), and the HTML helpers they share.

XML is parsed with defusedxml's expat reader: a DOCTYPE, any entity declaration and any external
reference stop the parse, so nothing is ever read from disk or the network and no entity can
expand. The result is a small tree of ``Node`` that remembers the line of every element.

ZIP members are checked from the central directory (count, names, declared sizes, compression
ratio) before anything is decompressed, and read into memory only — never extracted to disk.
"""

import html
import io
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.utils.translation import gettext as _

from .base import MAX_FILE_BYTES, MAX_UNPACKED_BYTES

MAX_DEPTH = 200
MAX_MEMBERS = 25_000  # a package holds at most MAX_QUESTIONS items, its manifest and some media
MAX_RATIO = 100  # decompressed ÷ compressed, for members of more than RATIO_FLOOR bytes
RATIO_FLOOR = 64 * 1024
VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Encodings expat does not know but Chinese files use: decoded by Python first.
_PYTHON_ENCODINGS = {"gb2312", "gbk", "gb18030", "big5", "cp936", "gb_2312-80"}
_DECLARATION = re.compile(
    rb"""^(\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']"""
)


class XmlError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class Node:
    """An element: local tag name, namespace, attributes by local name, children (nodes and
    strings) and the line its start tag is on."""

    __slots__ = ("attrs", "children", "line", "ns", "tag")

    def __init__(self, tag: str, ns: str, attrs: dict[str, str], line: int):
        self.tag, self.ns, self.attrs, self.line = tag, ns, attrs, line
        self.children: list = []

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    def elements(self, tag: str | None = None) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node) and tag in (None, c.tag)]

    def find(self, tag: str) -> "Node | None":
        return next(iter(self.elements(tag)), None)

    def iter(self, tag: str | None = None):
        stack = [self]
        while stack:
            node = stack.pop()
            if tag in (None, node.tag):
                yield node
            stack.extend(reversed(node.elements()))

    def text(self) -> str:
        """All the text inside, as in ElementTree's ``itertext``."""
        parts, stack = [], [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            else:
                stack.extend(reversed(item.children))
        return "".join(parts)


class _TreeBuilder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.locator = None

    def startElementNS(self, name, qname, attrs):
        if len(self.stack) >= MAX_DEPTH:
            raise XmlError(self.locator.getLineNumber(), _("The XML is nested too deeply."))
        ns, tag = name
        attributes = {key[1]: value for key, value in attrs.items()}
        node = Node(tag, ns or "", attributes, self.locator.getLineNumber())
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElementNS(self, name, qname):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            children = self.stack[-1].children
            if children and isinstance(children[-1], str):
                children[-1] += content
            else:
                children.append(content)


def _recode(data: bytes) -> bytes:
    """Chinese legacy encodings to UTF-8 (same lines), since expat cannot read them."""
    match = _DECLARATION.match(data[:200])
    if not match or match.group(2).decode().lower() not in _PYTHON_ENCODINGS:
        return data
    encoding = match.group(2).decode()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise XmlError(
            line, _("The file is not valid %(encoding)s text.") % {"encoding": encoding}
        ) from None
    return text.replace(encoding, "UTF-8", 1).encode("utf-8")


def parse_xml(data: bytes) -> Node:
    """The document's root element; XmlError (with the parser's line and column) otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise XmlError(0, _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES >> 20})
    data = _recode(data)
    builder = _TreeBuilder()
    parser = DefusedExpatParser(
        namespaceHandling=1, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    parser.setContentHandler(builder)
    builder.locator = parser  # feed() never calls setDocumentLocator; the reader is a locator
    try:
        parser.feed(data)
        parser.close()
    except SAXParseException as error:
        raise XmlError(
            error.getLineNumber(),
            _("The XML is not well formed at line %(line)s, column %(column)s: %(reason)s.")
            % {
                "line": error.getLineNumber(),
                "column": error.getColumnNumber() + 1,
                "reason": error.getMessage(),
            },
        ) from None
    except DefusedXmlException:
        line = parser.getLineNumber()
        raise XmlError(
            line,
            _(
                "The XML declares a document type or entities (line %(line)s); these are not "
                "allowed."
            )
            % {"line": line},
        ) from None
    except (SAXException, ValueError, LookupError) as error:  # unknown encodings and the like
        raise XmlError(1, _("The XML cannot be read: %(reason)s.") % {"reason": error}) from None
    if builder.root is None:
        raise XmlError(1, _("The file holds no XML element."))
    return builder.root


# --- HTML ---------------------------------------------------------------------------------------


def inner_html(node: Node) -> str:
    """The content of ``node`` as HTML (namespaces dropped, void elements without end tags)."""
    out: list[str] = []
    stack: list = list(reversed(node.children))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith("\0</"):  # a closing marker pushed below
                out.append(item[1:])
            else:
                out.append(html.escape(item, quote=False))
            continue
        attrs = "".join(f' {key}="{html.escape(value)}"' for key, value in item.attrs.items())
        out.append(f"<{item.tag}{attrs}>")
        if item.tag in VOID_ELEMENTS and not item.children:
            continue
        stack.append(f"\0</{item.tag}>")
        stack.extend(reversed(item.children))
    return "".join(out)


class _XhtmlWriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def _start(self, tag, attrs, close):
        rendered = "".join(
            f' {name}="{html.escape(value if value is not None else name)}"'
            for name, value in attrs
            if re.fullmatch(r"[a-z_][a-z0-9_.-]*", name)
        )
        if tag in VOID_ELEMENTS or close:
            self.out.append(f"<{tag}{rendered}/>")
        else:
            self.out.append(f"<{tag}{rendered}>")
            self.open.append(tag)

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, True)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open:
                top = self.open.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))


def html_to_xhtml(text: str) -> str:
    """Qihang's HTML as well-formed XML content (for QTI item bodies)."""
    writer = _XhtmlWriter()
    writer.feed(text)
    writer.close()
    writer.out.extend(f"</{tag}>" for tag in reversed(writer.open))
    return "".join(writer.out)


class _TextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br" or (tag in ("p", "div", "li") and self.parts):
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(text: str) -> str:
    """Plain text from HTML (option texts, per-option explanations and key points are plain)."""
    reader = _TextReader()
    reader.feed(text)
    reader.close()
    return "".join(reader.parts).strip()


def xml_text(text: str) -> str:
    return html.escape(text, quote=False)


def xml_attr(text: str) -> str:
    return html.escape(text, quote=True)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


# --- ZIP ----------------------------------------------------------------------------------------


def _member_name_ok(name: str) -> bool:
    if not name or "\0" in name or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in re.split(r"[/\\]", name)


class SafeZip:
    """A ZIP whose central directory passed the checks; members are read into memory only."""

    def __init__(self, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]):
        self.archive, self.members = archive, members

    def __contains__(self, name: str) -> bool:
        return posixpath.normpath(name) in self.members

    def read(self, name: str) -> bytes | None:
        """A member's bytes, never more than its declared size; None when absent or unreadable."""
        info = self.members.get(posixpath.normpath(name))
        if info is None or info.file_size > MAX_FILE_BYTES:
            return None
        try:
            with self.archive.open(info) as member:
                content = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            return None
        return content if len(content) <= info.file_size else None


def open_zip(data: bytes) -> SafeZip | str:
    """The package, checked from its central directory before anything is decompressed; or the
    error message."""
    if len(data) > MAX_FILE_BYTES:
        return _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES >> 20}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return _("The file is not a readable ZIP package.")
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        return _("The package has more than %(n)s files.") % {"n": MAX_MEMBERS}
    total = 0
    members = {}
    for info in infos:
        if not _member_name_ok(info.filename):
            return _("The package holds a file with an unsafe path: %(name)s") % {
                "name": info.filename
            }
        if info.flag_bits & 0x1:
            return _("The package holds an encrypted file: %(name)s") % {"name": info.filename}
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            return _("The package unpacks to more than the allowed %(mb)s MB.") % {
                "mb": MAX_UNPACKED_BYTES >> 20
            }
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return _("The package holds a suspiciously compressed file: %(name)s") % {
                "name": info.filename
            }
        if not info.is_dir():
            members[posixpath.normpath(info.filename.replace("\\", "/"))] = info
    return SafeZip(archive, members)
