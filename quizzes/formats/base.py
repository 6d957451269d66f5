"""The contract between the format modules and the import/export service.

A format module has ``NAME`` (``"xlsx"``, ``"gift"``, ``"aiken"``, ``"moodle_xml"``,
``"qti"``), ``EXTENSIONS`` and two functions:

- ``parse(data: bytes, filename: str) -> Parsed``: never raises for bad content; every problem
  is a ``Problem`` with the line (text formats), row (XLSX) or item path (packages) and a
  message in the reader's language. A feature Qihang cannot represent (matching, numeric,
  short-answer, …) is a ``Problem`` with ``skipped=True``: the question is left out and the
  rest can still be imported. Anything else wrong is an error and nothing is imported.
- ``write(questions: list[ExportedQuestion]) -> bytes``: the same questions back, so that
  writing then parsing gives the same content (the round trip the tests check).

Text is HTML in stems, options, explanations as Qihang stores it; a format that carries plain
text escapes and unescapes it.
"""

import dataclasses
from decimal import Decimal

from django.conf import settings


@dataclasses.dataclass
class ImportedOption:
    text: str
    correct: bool
    explanation: str = ""


@dataclasses.dataclass
class ImportedPart:
    """A sub-question of a human-marked question."""

    prompt: str
    points: Decimal
    key_points: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ImportedQuestion:
    line: int  # the line, row or item number where the question starts (1-based)
    type: str  # a courses.models.QuestionType value
    stem: str  # HTML
    options: list[ImportedOption] = dataclasses.field(default_factory=list)
    parts: list[ImportedPart] = dataclasses.field(default_factory=list)
    explanation: str = ""
    ref: str = ""  # a stable identifier from the file, if it has one
    chapter_code: str = ""
    knowledge_point_codes: list[str] = dataclasses.field(default_factory=list)
    difficulty: int | None = None  # 1 easy … 5 hard
    source: str = ""  # "original" or the exam year


# What a writer receives: the same shape, filled from a question's current version.
ExportedQuestion = ImportedQuestion


@dataclasses.dataclass
class Problem:
    line: int
    message: str
    skipped: bool = False  # True: a feature Qihang cannot represent; the question is left out


@dataclasses.dataclass
class Parsed:
    questions: list[ImportedQuestion] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.skipped]

    @property
    def skipped(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.skipped]


# Limits every parser keeps (the service checks size before parsing too).
MAX_FILE_BYTES = settings.UPLOAD_QUESTION_FILE_MAX_BYTES
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # XLSX and QTI packages are ZIP files
MAX_QUESTIONS = 20_000
