"""Writes and domain rules of courses: enrolment, completion, study time, authoring rights."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

from courses import selectors
from courses.models import (
    CoursePage,
    Enrollment,
    ExamLevel,
    LearnerProfile,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    StudyClock,
    StudyTime,
)
from courses.signals import course_completed, lesson_completed


class NotEnrolled(PermissionDenied):
    pass


class LessonLocked(PermissionDenied):
    pass


def enrollment_create(*, user, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enrol ``user`` in ``course``. Enrolling again returns the existing enrolment."""
    if not course.live:
        raise ValidationError(_("This course is not open for enrolment."))
    return Enrollment.objects.get_or_create(user=user, course=course)


def _enrollment_for(*, user, course: CoursePage) -> Enrollment:
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None:
        raise NotEnrolled(_("Enrol in the course first."))
    return enrollment


def enrollment_touch(*, enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember the lesson a learner opened last ("continue where you left off")."""
    if enrollment.last_lesson_id == lesson.pk:
        return
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson_id, enrollment.last_activity_at = lesson.pk, now


@dataclass(frozen=True)
class CompletionResult:
    progress: LessonProgress
    created: bool
    course_completed: bool


def lesson_complete(*, user, lesson: LessonPage) -> CompletionResult:
    """Mark a lesson complete. Completing it again changes nothing.

    The learner's enrolment row is locked while the lesson is recorded and the course checked,
    so that simultaneous completions (a double click, two tabs, the last two lessons at once)
    record each lesson once and finish the course exactly once.
    """
    course = selectors.course_of(lesson)
    if course.sequential and not selectors.lesson_is_unlocked(
        user=user, course=course, lesson=lesson
    ):
        _enrollment_for(user=user, course=course)
        raise LessonLocked(_("Complete the earlier lessons of this course first."))
    now = timezone.now()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if enrollment is None:
            raise NotEnrolled(_("Enrol in the course first."))
        progress, created = LessonProgress.objects.get_or_create(
            user=user, lesson=lesson, defaults={"course": course, "completed_at": now}
        )
        finished = False
        if created:
            enrollment.last_activity_at = now
            finished = _finish_if_complete(enrollment, user=user, course=course, now=now)
            enrollment.save(update_fields=["last_activity_at", "completed_at"])
    if created:
        lesson_completed.send(sender=LessonPage, user=user, lesson=lesson, course=course)
    if finished:
        course_completed.send(sender=CoursePage, user=user, enrollment=enrollment)
    return CompletionResult(progress=progress, created=created, course_completed=finished)


def _finish_if_complete(enrollment: Enrollment, *, user, course, now) -> bool:
    """Mark the (locked) enrolment complete if the course now is; True if it just finished."""
    if enrollment.completed_at is not None:
        return False
    if not selectors.course_is_complete(user=user, course=course):
        return False
    enrollment.completed_at = now
    return True


def enrollment_restart(*, user, course: CoursePage) -> Enrollment:
    """Take a completed course again (to be re-certified once a certificate has expired, for
    instance): its lessons and module assessments are to be completed anew, and finishing it
    again announces the course's completion again. Study time and attempts stay."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if enrollment is None:
            raise NotEnrolled(_("Enrol in the course first."))
        if enrollment.completed_at is None:
            raise ValidationError(_("Only a completed course can be taken again."))
        LessonProgress.objects.filter(user=user, course=course).delete()
        ModuleCompletion.objects.filter(user=user, course=course).delete()
        enrollment.completed_at = None
        enrollment.last_lesson = None
        enrollment.save(update_fields=["completed_at", "last_lesson"])
    return enrollment


@dataclass(frozen=True)
class ModuleResult:
    completion: ModuleCompletion
    created: bool
    course_completed: bool


def module_assessment_passed(
    *, user, module: ModulePage, score_percent, now: datetime.datetime | None = None
) -> ModuleResult:
    """Record that the learner passed the module's assessment, which completes the module (the
    assessment opens only once its lessons are done); the course may finish with it. Passing
    again changes nothing. Called by the quiz engine when a passing attempt is graded.
    """
    now = now or timezone.now()
    course = CoursePage.objects.ancestor_of(module).get()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if enrollment is None:
            raise NotEnrolled(_("Enrol in the course first."))
        completion, created = ModuleCompletion.objects.get_or_create(
            user=user,
            module=module,
            defaults={"course": course, "completed_at": now, "score_percent": score_percent},
        )
        finished = False
        if created:
            enrollment.last_activity_at = now
            finished = _finish_if_complete(enrollment, user=user, course=course, now=now)
            enrollment.save(update_fields=["last_activity_at", "completed_at"])
    if finished:
        course_completed.send(sender=CoursePage, user=user, enrollment=enrollment)
    return ModuleResult(completion=completion, created=created, course_completed=finished)


def study_heartbeat(*, user, lesson: LessonPage, now: datetime.datetime | None = None) -> int:
    """Credit active study time for a heartbeat from an open lesson; return seconds credited.

    The browser sends a heartbeat every ``HEARTBEAT_INTERVAL_SECONDS`` while the tab is visible
    and the learner has been active. Credit is the time since the learner's previous heartbeat
    (from any tab), capped at ``STUDY_MAX_CREDIT_SECONDS``, and nothing after a gap longer than
    ``STUDY_IDLE_CUTOFF_SECONDS``: an idle or closed tab accrues nothing, two open tabs never
    count the same minute twice, and late or repeated heartbeats credit only real elapsed time.
    """
    now = now or timezone.now()
    course = selectors.course_of(lesson)
    _enrollment_for(user=user, course=course)
    with transaction.atomic():
        clock, created = StudyClock.objects.select_for_update().get_or_create(
            user=user, defaults={"last_beat_at": now}
        )
        if created:
            return 0
        gap = (now - clock.last_beat_at).total_seconds()
        if gap <= 0:
            return 0
        clock.last_beat_at = now
        clock.save(update_fields=["last_beat_at"])
        if gap > settings.STUDY_IDLE_CUTOFF_SECONDS:
            return 0
        credit = round(min(gap, settings.STUDY_MAX_CREDIT_SECONDS))
        if credit == 0:
            return 0
        day = timezone.localdate(now)
        updated = StudyTime.objects.filter(user=user, lesson=lesson, day=day).update(
            seconds=F("seconds") + credit
        )
        if not updated:
            StudyTime.objects.create(
                user=user, lesson=lesson, course=course, day=day, seconds=credit
            )
    return credit


def learner_profile_update(
    *, user, target_level: ExamLevel | None, exam_date: datetime.date | None
) -> LearnerProfile:
    profile, _created = LearnerProfile.objects.get_or_create(user=user)
    profile.target_level = target_level
    profile.exam_date = exam_date
    profile.full_clean()
    profile.save()
    return profile


COURSE_AUTHOR_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


@transaction.atomic
def course_author_grant(*, course: CoursePage, user) -> Group:
    """Let a trainer author ``course`` (and only it) in the Wagtail admin."""
    group, _created = Group.objects.get_or_create(name=f"course-authors-{course.pk}")
    for codename in COURSE_AUTHOR_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=course,
            permission__codename=codename,
            defaults={"permission": _page_permission(codename)},
        )
    user.groups.add(group)
    return group


def _page_permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
