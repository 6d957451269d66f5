"""Read queries of courses. Each runs a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Substr
from wagtail.models import Page

from courses.models import (
    Chapter,
    CoursePage,
    Enrollment,
    ExamLevel,
    KnowledgePoint,
    LearnerProfile,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    StudyTime,
    Subject,
)


def course_of(lesson: Page) -> CoursePage:
    return CoursePage.objects.ancestor_of(lesson).get()


def _lessons_of(course: CoursePage):
    return LessonPage.objects.live().descendant_of(course).order_by("path")


def _lesson_totals(courses) -> dict[int, int]:
    """Live lessons per course, in one query per tree depth of the courses (in practice one)."""
    totals: dict[int, int] = {}
    by_depth: dict[int, dict[str, int]] = {}
    for course in courses:
        by_depth.setdefault(course.depth, {})[course.path] = course.pk
    for depth, paths in by_depth.items():
        prefix_length = depth * Page.steplen
        rows = (
            LessonPage.objects.live()
            .annotate(course_path=Substr("path", 1, prefix_length))
            .filter(course_path__in=list(paths))
            .order_by()
            .values("course_path")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            totals[paths[row["course_path"]]] = row["n"]
    return totals


def _completed_counts(user, course_ids) -> dict[int, int]:
    rows = (
        LessonProgress.objects.filter(user=user, course_id__in=course_ids, lesson__live=True)
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return {row["course_id"]: row["n"] for row in rows}


def _percent(done: int, total: int) -> int:
    return int(done * 100 // total) if total else 0


def course_lesson_counts(*, user, course: CoursePage) -> tuple[int, int]:
    total = _lessons_of(course).count()
    done = LessonProgress.objects.filter(user=user, course=course, lesson__live=True).count()
    return total, done


def _assessed_modules(course: CoursePage):
    """Live modules of ``course`` completed by passing an assessment: an open quiz points at
    them (``quizzes.Quiz.module``, related name ``assessments``)."""
    return ModulePage.objects.live().child_of(course).filter(assessments__is_active=True).distinct()


def course_is_complete(*, user, course: CoursePage) -> bool:
    """Every live lesson completed and every assessed module's assessment passed."""
    total, done = course_lesson_counts(user=user, course=course)
    if done < total:
        return False
    return not _assessed_modules(course).exclude(completions__user=user).exists()


def module_lessons_done(*, user, module: ModulePage) -> bool:
    """Whether the learner completed every live lesson of the module (its assessment opens)."""
    lessons = LessonPage.objects.live().descendant_of(module)
    return not lessons.exclude(progress__user=user).exists()


@dataclass
class CourseCard:
    course: CoursePage
    lesson_count: int
    enrolled: bool = False
    completed_lessons: int = 0

    @property
    def percent(self) -> int:
        return _percent(self.completed_lessons, self.lesson_count)


def course_list_for(*, user, kind: str | None = None) -> list[CourseCard]:
    """Live courses with their size and, for a signed-in learner, their progress."""
    courses = (
        CoursePage.objects.live()
        .public()
        .select_related("subject", "cover_image")
        .prefetch_related("cover_image__renditions")
        .order_by("path")
    )
    if kind:
        courses = courses.filter(kind=kind)
    courses = list(courses)
    totals = _lesson_totals(courses)
    cards = [CourseCard(course=c, lesson_count=totals.get(c.pk, 0)) for c in courses]
    if user.is_authenticated and cards:
        ids = [c.pk for c in courses]
        enrolled = set(
            Enrollment.objects.filter(user=user, course_id__in=ids).values_list(
                "course_id", flat=True
            )
        )
        done = _completed_counts(user, ids)
        for card in cards:
            card.enrolled = card.course.pk in enrolled
            card.completed_lessons = done.get(card.course.pk, 0)
    return cards


@dataclass
class LessonItem:
    lesson: LessonPage
    completed: bool
    locked: bool


@dataclass
class ModuleItem:
    module: ModulePage
    lessons: list[LessonItem] = field(default_factory=list)
    assessments: list = field(default_factory=list)  # open quizzes that complete the module
    passed: bool = False

    @property
    def lessons_done(self) -> bool:
        return all(entry.completed for entry in self.lessons)


def _lesson_states(*, user, course: CoursePage, lessons) -> tuple[set[int], set[int]]:
    """Completed and locked lesson ids of ``user`` in ``course``."""
    completed: set[int] = set()
    if user.is_authenticated:
        completed = set(
            LessonProgress.objects.filter(user=user, course=course).values_list(
                "lesson_id", flat=True
            )
        )
    locked: set[int] = set()
    if course.sequential:
        blocked = False
        for lesson in lessons:
            if blocked:
                locked.add(lesson.pk)
            elif lesson.pk not in completed:
                blocked = True  # this one is open; every later one is locked
    return completed, locked


def lesson_is_unlocked(*, user, course: CoursePage, lesson: LessonPage) -> bool:
    lessons = list(_lessons_of(course).only("pk", "path"))
    _completed, locked = _lesson_states(user=user, course=course, lessons=lessons)
    return lesson.pk not in locked


def course_outline_for(*, course: CoursePage, user) -> dict:
    """Modules and lessons of a course with the learner's state; the context of its page."""
    modules = list(
        ModulePage.objects.live()
        .child_of(course)
        .select_related("chapter")
        .prefetch_related("assessments")
        .order_by("path")
    )
    lessons = list(
        _lessons_of(course).only("pk", "path", "depth", "title", "slug", "url_path", "minutes")
    )
    enrollment = None
    if user.is_authenticated:
        enrollment = (
            Enrollment.objects.filter(user=user, course=course)
            .select_related("last_lesson")
            .first()
        )
    completed, locked = _lesson_states(user=user, course=course, lessons=lessons)
    passed = set()
    if user.is_authenticated:
        passed = set(
            ModuleCompletion.objects.filter(user=user, course=course).values_list(
                "module_id", flat=True
            )
        )
    by_path = {
        module.path: ModuleItem(
            module=module,
            assessments=[quiz for quiz in module.assessments.all() if quiz.is_active],
            passed=module.pk in passed,
        )
        for module in modules
    }
    for lesson in lessons:
        module_item = by_path.get(lesson.path[: len(lesson.path) - Page.steplen])
        if module_item is not None:
            module_item.lessons.append(
                LessonItem(
                    lesson=lesson, completed=lesson.pk in completed, locked=lesson.pk in locked
                )
            )
    next_lesson = _continue_lesson(enrollment, lessons, completed, locked)
    done = len(completed & {lesson.pk for lesson in lessons})
    return {
        "outline": list(by_path.values()),
        "lessons": lessons,
        "enrollment": enrollment,
        "lesson_count": len(lessons),
        "completed_count": done,
        "percent": _percent(done, len(lessons)),
        "continue_lesson": next_lesson,
    }


def _continue_lesson(enrollment, lessons, completed, locked):
    """Where "continue" leads: the last lesson opened if unfinished, else the first unfinished."""
    if enrollment is None:
        return None
    if enrollment.last_lesson_id and enrollment.last_lesson_id not in completed:
        for lesson in lessons:
            if lesson.pk == enrollment.last_lesson_id:
                return lesson
    for lesson in lessons:
        if lesson.pk not in completed and lesson.pk not in locked:
            return lesson
    return None


def lesson_context_for(*, lesson: LessonPage, course: CoursePage, user) -> dict:
    """What a lesson page shows around the body: course progress, previous and next lesson."""
    context = course_outline_for(course=course, user=user)
    lessons = context["lessons"]
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    states = {item.lesson.pk: item for module in context["outline"] for item in module.lessons}
    state = states.get(lesson.pk)
    context.update(
        {
            "course": course,
            "lesson_completed": bool(state and state.completed),
            "lesson_locked": bool(state and state.locked),
            "previous_lesson": lessons[index - 1] if index else None,
            "next_lesson": (
                lessons[index + 1] if index is not None and index + 1 < len(lessons) else None
            ),
        }
    )
    return context


@dataclass
class LearningRow:
    enrollment: Enrollment
    lesson_count: int
    completed_lessons: int
    study_seconds: int
    continue_lesson: LessonPage | None

    @property
    def percent(self) -> int:
        return _percent(self.completed_lessons, self.lesson_count)

    @property
    def study_minutes(self) -> int:
        return self.study_seconds // 60


@dataclass
class MyLearning:
    rows: list[LearningRow]

    @property
    def total_study_minutes(self) -> int:
        return sum(row.study_seconds for row in self.rows) // 60

    @property
    def earned_credit_hours(self) -> Decimal:
        return sum(
            (
                row.enrollment.course.credit_hours
                for row in self.rows
                if row.enrollment.completed_at
            ),
            Decimal(0),
        )


def _lessons_by_course(courses) -> dict[int, list[LessonPage]]:
    """Live lessons of each course in course order, in one query per tree depth of the courses."""
    by_course: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
    by_depth: dict[int, dict[str, int]] = {}
    for course in courses:
        by_depth.setdefault(course.depth, {})[course.path] = course.pk
    for depth, paths in by_depth.items():
        lessons = (
            LessonPage.objects.live()
            .annotate(course_path=Substr("path", 1, depth * Page.steplen))
            .filter(course_path__in=list(paths))
            .only("pk", "path", "depth", "title", "slug", "url_path", "minutes")
            .order_by("path")
        )
        for lesson in lessons:
            by_course[paths[lesson.course_path]].append(lesson)
    return by_course


def my_learning(*, user) -> MyLearning:
    """The learner's enrolments with progress, study time and where to continue."""
    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course", "course__subject")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    courses = [e.course for e in enrollments]
    ids = [c.pk for c in courses]
    lessons = _lessons_by_course(courses)
    completed: set[int] = set()
    seconds: dict[int, int] = {}
    if ids:
        completed = set(
            LessonProgress.objects.filter(user=user, course_id__in=ids).values_list(
                "lesson_id", flat=True
            )
        )
        seconds = dict(
            StudyTime.objects.filter(user=user, course_id__in=ids)
            .order_by()
            .values("course_id")
            .annotate(s=Sum("seconds"))
            .values_list("course_id", "s")
        )
    rows = []
    for enrollment in enrollments:
        course_lessons = lessons[enrollment.course_id]
        rows.append(
            LearningRow(
                enrollment=enrollment,
                lesson_count=len(course_lessons),
                completed_lessons=sum(1 for lesson in course_lessons if lesson.pk in completed),
                study_seconds=seconds.get(enrollment.course_id, 0),
                continue_lesson=_continue_lesson(enrollment, course_lessons, completed, set()),
            )
        )
    return MyLearning(rows=rows)


def study_goal_of(*, user) -> LearnerProfile | None:
    return LearnerProfile.objects.filter(user=user).select_related("target_level").first()


def syllabus_tree():
    """Levels with subjects, blueprints, chapters and knowledge points, in five queries."""
    return ExamLevel.objects.prefetch_related(
        Prefetch(
            "subjects",
            queryset=Subject.objects.order_by("order", "code").select_related("blueprint"),
        ),
        Prefetch("subjects__chapters", queryset=Chapter.objects.order_by("number")),
        Prefetch(
            "subjects__chapters__knowledge_points", queryset=KnowledgePoint.objects.order_by("code")
        ),
        "subjects__blueprint__sections",
    )
