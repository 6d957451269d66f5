"""The report of a question import: what each question does, and what is wrong, by line."""

import dataclasses

from django.utils.translation import gettext as _

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclasses.dataclass
class ReportLine:
    line: int
    type: str
    stem: str  # a plain-text excerpt
    action: str  # create | update | unchanged
    ref: str


@dataclasses.dataclass
class ReportProblem:
    line: int  # 0: the file as a whole
    message: str


@dataclasses.dataclass
class ImportReport:
    filename: str
    format: str = ""
    dry_run: bool = True
    applied: bool = False
    lines: list[ReportLine] = dataclasses.field(default_factory=list)
    errors: list[ReportProblem] = dataclasses.field(default_factory=list)
    skipped: list[ReportProblem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        for line in self.lines:
            counts[line.action] += 1
        return {**counts, "skipped": len(self.skipped), "errors": len(self.errors)}

    @property
    def place(self) -> str:
        """What the numbers count in this format, as a column heading: rows, items or lines."""
        return {"xlsx": _("Row"), "qti": _("Item")}.get(self.format, _("Line"))

    def describe(self, problem: ReportProblem) -> str:
        """An error as a reader needs it: the file, the line or row, and what is wrong."""
        values = {"file": self.filename, "line": problem.line, "message": problem.message}
        if not problem.line:
            return _("%(file)s: %(message)s") % values
        if self.format == "xlsx":
            return _("%(file)s, row %(line)s: %(message)s") % values
        if self.format == "qti":
            return _("%(file)s, item %(line)s: %(message)s") % values
        return _("%(file)s, line %(line)s: %(message)s") % values

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "counts": self.counts}

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            filename=data.get("filename", ""),
            format=data.get("format", ""),
            dry_run=data.get("dry_run", True),
            applied=data.get("applied", False),
            lines=[ReportLine(**line) for line in data.get("lines", [])],
            errors=[ReportProblem(**problem) for problem in data.get("errors", [])],
            skipped=[ReportProblem(**problem) for problem in data.get("skipped", [])],
        )
