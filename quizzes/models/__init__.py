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
from .imports import QuestionImport
from .quizzes import Quiz, QuizKind, ReviewTiming

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptState",
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
    "Response",
    "ReviewCard",
    "ReviewTiming",
    "SubmitReason",
]
