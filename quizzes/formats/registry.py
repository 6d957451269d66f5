"""The formats by name. Each lives in ``quizzes/formats/<name>.py`` (see ``base``)."""

import importlib

FORMAT_NAMES = ("xlsx", "gift", "aiken", "moodle_xml", "qti")
EXTENSIONS = {
    ".xlsx": "xlsx",
    ".gift": "gift",
    ".txt": "aiken",
    ".xml": "moodle_xml",
    ".zip": "qti",
}


def format_module(name: str):
    """The module of format ``name``; ValueError for a name Qihang does not know."""
    if name not in FORMAT_NAMES:
        raise ValueError(name)
    return importlib.import_module(f"quizzes.formats.{name}")


def guess_format(filename: str) -> str | None:
    """The format a file's extension suggests (a QTI item may also be a lone ``.xml``: the
    service looks inside an XML file to tell Moodle XML from QTI)."""
    lowered = filename.lower()
    return next((name for ext, name in EXTENSIONS.items() if lowered.endswith(ext)), None)
