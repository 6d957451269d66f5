from .qualifications import ExternalQualification, QualificationKind, QualificationState
from .reports import Report, ReportFormat, ReportKind, ReportState
from .requirements import (
    AnnualTarget,
    Assignment,
    AssignmentReminder,
    DueRule,
    RequirementTarget,
    TrainingRequirement,
)

__all__ = [
    "AnnualTarget",
    "Assignment",
    "AssignmentReminder",
    "DueRule",
    "ExternalQualification",
    "QualificationKind",
    "QualificationState",
    "Report",
    "ReportFormat",
    "ReportKind",
    "ReportState",
    "RequirementTarget",
    "TrainingRequirement",
]
