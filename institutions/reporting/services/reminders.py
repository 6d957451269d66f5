"""Reminders about assignments: to the learner before the due date (by default 30 and 7 days
before), and to the learner and their institution admins once it is overdue. Email and an in-app
notice; each reminder is recorded once, so a second run sends nothing."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from institutions.selectors import admins_of
from lms.mail import email_enqueue
from lms.notices import language_of, notice_send

from ..models import Assignment, AssignmentReminder

Kind = AssignmentReminder.Kind


def _claim(assignment: Assignment, kind: str) -> bool:
    try:
        with transaction.atomic():
            AssignmentReminder.objects.create(assignment=assignment, kind=kind)
    except IntegrityError:
        return False
    return True


def _context(assignment: Assignment, today: datetime.date) -> dict:
    return {
        "name": assignment.user.display_name,
        "requirement": assignment.requirement.name,
        "date": assignment.due_on.isoformat(),
        "days": (assignment.due_on - today).days,
        "late": (today - assignment.due_on).days,
    }


def _tell(person, subject: str, body: str, link: str) -> None:
    notice_send(user=person, message=subject, link=link)
    if person.email:
        email_enqueue(subject=subject, body=f"{body}\n{link}", to=[person.email])


def _remind_learner(assignment: Assignment, today: datetime.date, overdue: bool) -> None:
    person = assignment.user
    context = _context(assignment, today)
    link = settings.SITE_URL.rstrip("/") + reverse("my-training")
    with translation.override(language_of(person)):
        if overdue:
            subject = _("Overdue: “%(requirement)s” was due on %(date)s") % context
            body = (
                _(
                    "%(name)s, the required training “%(requirement)s” was due on %(date)s. "
                    "Please finish it as soon as you can."
                )
                % context
            )
        else:
            subject = _("Due in %(days)s days: “%(requirement)s” (by %(date)s)") % context
            body = (
                _("%(name)s, the required training “%(requirement)s” is due on %(date)s.") % context
            )
        _tell(person, subject, body, link)


def _remind_admins(assignment: Assignment, today: datetime.date) -> None:
    context = _context(assignment, today)
    link = settings.SITE_URL.rstrip("/") + reverse("institution-people") + "?status=overdue"
    for admin in admins_of(assignment.user):
        with translation.override(language_of(admin)):
            subject = _("%(name)s is overdue on “%(requirement)s” (due %(date)s)") % context
            body = (
                _(
                    "%(name)s has not finished the required training “%(requirement)s”, due on "
                    "%(date)s (%(late)s days ago)."
                )
                % context
            )
            _tell(admin, subject, body, link)


def assignment_reminders_send(now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due. A person first seen inside a later threshold gets only
    that one. Returns how many assignments were reminded about."""
    today = timezone.localdate(now or timezone.now())
    soon, this_week = settings.ASSIGNMENT_REMINDER_DAYS
    horizon = today + datetime.timedelta(days=soon)
    open_ones = (
        Assignment.objects.filter(completed_at__isnull=True, due_on__lte=horizon)
        .exclude(reminders__kind=Kind.OVERDUE)
        .select_related("user", "requirement")
    )
    sent = 0
    for assignment in open_ones.iterator(chunk_size=500):
        days_left = (assignment.due_on - today).days
        if days_left < 0:
            due = [Kind.OVERDUE, Kind.DUE_THIS_WEEK, Kind.DUE_SOON]
        elif days_left <= this_week:
            due = [Kind.DUE_THIS_WEEK, Kind.DUE_SOON]
        else:
            due = [Kind.DUE_SOON]
        if not _claim(assignment, due[0]):
            continue
        for kind in due[1:]:
            _claim(assignment, kind)
        _remind_learner(assignment, today, overdue=due[0] == Kind.OVERDUE)
        if due[0] == Kind.OVERDUE:
            _remind_admins(assignment, today)
        sent += 1
    return sent
