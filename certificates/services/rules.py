"""Whether a learner has earned a programme's certificate."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from certificates.models import CertificateProgramme
from courses.models import Enrollment, StudyTime
from quizzes.selectors import has_passed


@dataclass
class RuleCheck:
    missing: list[str] = field(default_factory=list)  # what is still to do, in words

    @property
    def met(self) -> bool:
        return not self.missing


def rule_check(
    *, user, programme: CertificateProgramme, since: datetime.datetime | None = None
) -> RuleCheck:
    """Check the programme's rule for ``user``. With ``since`` (the expiry of a previous
    certificate) only evidence from after it counts: re-certification needs a retake."""
    check = RuleCheck()
    if programme.require_course_completion:
        done = Enrollment.objects.filter(
            user=user, course_id=programme.course_id, completed_at__isnull=False
        )
        if since is not None:
            done = done.filter(completed_at__gt=since)
        if not done.exists():
            check.missing.append(_("Complete the course."))
    for quiz in programme.required_assessments.all():
        if not has_passed(user=user, quiz=quiz, since=since):
            check.missing.append(_("Pass “%(quiz)s”.") % {"quiz": quiz.title})
    if programme.min_study_hours and programme.course_id:
        times = StudyTime.objects.filter(user=user, course_id=programme.course_id)
        if since is not None:
            times = times.filter(day__gt=since.date())
        seconds = times.aggregate(total=Sum("seconds"))["total"] or 0
        if seconds < programme.min_study_hours * 3600:
            check.missing.append(
                _("Study at least %(hours)s hours in the course (%(done)s so far).")
                % {"hours": programme.min_study_hours, "done": round(seconds / 3600, 1)}
            )
    return check
