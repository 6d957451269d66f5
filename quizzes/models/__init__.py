from .attempts import (
    Accommodation,
    Attempt,
    AttemptState,
    Mastery,
    Response,
    ReviewCard,
    SubmitReason,
)
from .bank import (
    Question,
    QuestionBank,
    QuestionOption,
    QuestionPart,
    QuestionStatus,
    QuestionVersion,
)
from .grading import Mark, MarkRole, Regrade
from .imports import QuestionImport
from .quizzes import Quiz, QuizKind, ReviewTiming
from .statistics import ItemCalibration, ItemStatistics, QuizStatistics

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptState",
    "ItemCalibration",
    "ItemStatistics",
    "Mark",
    "MarkRole",
    "Mastery",
    "Question",
    "QuestionBank",
    "QuestionImport",
    "QuestionOption",
    "QuestionPart",
    "QuestionStatus",
    "QuestionVersion",
    "Quiz",
    "QuizKind",
    "QuizStatistics",
    "Regrade",
    "Response",
    "ReviewCard",
    "ReviewTiming",
    "SubmitReason",
]
