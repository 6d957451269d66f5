from .learning import Enrollment, LearnerProfile, LessonProgress, StudyClock, StudyTime
from .pages import CourseIndexPage, CourseKind, CoursePage, HomePage, LessonPage, ModulePage
from .syllabus import (
    Blueprint,
    BlueprintSection,
    Chapter,
    ExamLevel,
    KnowledgePoint,
    MultipleChoiceRule,
    PassPolicy,
    QuestionType,
    RegionalPassLine,
    Subject,
)

__all__ = [
    "Blueprint",
    "BlueprintSection",
    "Chapter",
    "CourseIndexPage",
    "CourseKind",
    "CoursePage",
    "Enrollment",
    "ExamLevel",
    "HomePage",
    "KnowledgePoint",
    "LearnerProfile",
    "LessonPage",
    "LessonProgress",
    "ModulePage",
    "MultipleChoiceRule",
    "PassPolicy",
    "QuestionType",
    "RegionalPassLine",
    "StudyClock",
    "StudyTime",
    "Subject",
]
