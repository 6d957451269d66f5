from .attempts import Accommodation, Attempt, AttemptState, Response, SubmitReason
from .bank import (
    Question,
    QuestionBank,
    QuestionOption,
    QuestionPart,
    QuestionStatus,
    QuestionVersion,
)
from .quizzes import Quiz, QuizKind, ReviewTiming

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptState",
    "Question",
    "QuestionBank",
    "QuestionOption",
    "QuestionPart",
    "QuestionStatus",
    "QuestionVersion",
    "Quiz",
    "QuizKind",
    "Response",
    "ReviewTiming",
    "SubmitReason",
]
