"""Training requirements: who they apply to, when each person's assignment is due, and when it
is satisfied. Assignments are made for every matching member (nightly, and at once when someone
joins) and completed by the event that satisfies them."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from courses.models import Enrollment
from institutions.models import Membership, StaffCategory
from institutions.selectors import administered_institutions
from lms.queueing import enqueue

from ..models import (
    Assignment,
    DueRule,
    ExternalQualification,
    QualificationKind,
    QualificationState,
    RequirementTarget,
    TrainingRequirement,
)


def requirement_validate(requirement: TrainingRequirement) -> None:
    """Raise ValidationError naming each field that does not fit the chosen target and rule."""
    errors = {}
    known = set(StaffCategory.values)
    if (
        not isinstance(requirement.staff_categories, list)
        or not set(requirement.staff_categories) <= known
    ):
        errors["staff_categories"] = _("Choose staff categories from the list.")
    target = requirement.target
    if target == RequirementTarget.COURSE and requirement.course_id is None:
        errors["course"] = _("Choose the course to complete.")
    if target == RequirementTarget.PROGRAMME and requirement.programme_id is None:
        errors["programme"] = _("Choose the certificate programme.")
    if target == RequirementTarget.QUALIFICATION and (
        not requirement.qualification_kinds
        or not set(requirement.qualification_kinds) <= set(QualificationKind.values)
    ):
        errors["qualification_kinds"] = _("Choose the qualifications that count.")
    if requirement.due_rule == DueRule.FIXED_DATE and requirement.due_date is None:
        errors["due_date"] = _("Give the due date.")
    if requirement.due_rule == DueRule.MONTHS_AFTER_HIRE and not (
        requirement.due_months and 1 <= requirement.due_months <= 120
    ):
        errors["due_months"] = _("Give between 1 and 120 months.")
    if errors:
        raise ValidationError(errors)


def requirement_save(*, actor, requirement: TrainingRequirement) -> TrainingRequirement:
    """Create or change a requirement inside the actor's own institutions, then assign it."""
    allowed = administered_institutions(actor)
    if not allowed.filter(pk=requirement.institution_id).exists():
        raise PermissionDenied
    requirement_validate(requirement)
    if requirement.target != RequirementTarget.COURSE:
        requirement.course = None
    if requirement.target != RequirementTarget.PROGRAMME:
        requirement.programme = None
    if requirement.target != RequirementTarget.QUALIFICATION:
        requirement.qualification_kinds = []
    if requirement.pk is None:
        requirement.created_by = actor
    from ..tasks import generate_assignments

    with transaction.atomic():
        requirement.save()
        enqueue(generate_assignments, requirement_id=requirement.pk)
    return requirement


def audience(requirement: TrainingRequirement):
    """The memberships a requirement applies to."""
    memberships = Membership.objects.filter(
        institution__path__startswith=requirement.institution.path
    )
    if requirement.staff_categories:
        memberships = memberships.filter(staff_category__in=requirement.staff_categories)
    if requirement.hired_after is not None:
        memberships = memberships.filter(hire_date__gte=requirement.hired_after)
    return memberships


def due_date(
    requirement: TrainingRequirement, hire_date: datetime.date | None, assigned_on: datetime.date
) -> datetime.date:
    """A fixed date, or N months after hire (after the day of assignment when the hire date is
    unknown)."""
    if requirement.due_rule == DueRule.FIXED_DATE:
        return requirement.due_date
    return (hire_date or assigned_on) + relativedelta(months=requirement.due_months)


def _earliest_hires(memberships) -> dict[int, datetime.date | None]:
    """Per person covered, their earliest known hire date among the covering memberships."""
    earliest: dict[int, datetime.date | None] = {}
    for user_id, hire in memberships.values_list("user_id", "hire_date"):
        known = earliest.get(user_id)
        if user_id not in earliest or (hire and (known is None or hire < known)):
            earliest[user_id] = hire
    return earliest


def assignments_generate(
    *, requirement: TrainingRequirement | None = None, user=None, now=None
) -> int:
    """Bring every active requirement's assignments (or one requirement's, or one person's) in
    line with who it covers: everyone covered without one gets one; open assignments follow a
    changed due rule, and go when their person is no longer covered (someone left, or the
    audience changed, or the requirement was switched off); completed ones stay as they are.
    Running it again changes nothing.
    Returns how many assignments were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # A requirement switched off no longer asks anything: its open assignments go (no reminders,
    # not overdue); what was completed under it stays.
    withdrawn = Assignment.objects.filter(requirement__active=False, completed_at__isnull=True)
    if requirement is not None:
        withdrawn = withdrawn.filter(requirement=requirement)
    if user is not None:
        withdrawn = withdrawn.filter(user=user)
    withdrawn.delete()
    requirements = TrainingRequirement.objects.filter(active=True).select_related("institution")
    if requirement is not None:
        requirements = requirements.filter(pk=requirement.pk)
    created = 0
    for item in requirements:
        memberships = audience(item)
        existing = Assignment.objects.filter(requirement=item)
        if user is not None:
            memberships = memberships.filter(user=user)
            existing = existing.filter(user=user)
        covered = _earliest_hires(memberships)
        changed = []
        for assignment in existing.filter(completed_at__isnull=True):
            if assignment.user_id not in covered:
                continue
            due = due_date(
                item, covered[assignment.user_id], timezone.localdate(assignment.assigned_at)
            )
            if due != assignment.due_on:
                assignment.due_on = due
                changed.append(assignment)
        Assignment.objects.bulk_update(changed, ["due_on"], batch_size=500)
        existing.filter(completed_at__isnull=True).exclude(
            user__in=memberships.values("user")
        ).delete()
        assigned = set(existing.values_list("user_id", flat=True))
        new = [
            Assignment(
                requirement=item,
                user_id=user_id,
                assigned_at=now,
                due_on=due_date(item, hire, today),
            )
            for user_id, hire in covered.items()
            if user_id not in assigned
        ]
        created += len(Assignment.objects.bulk_create(new, ignore_conflicts=True))
        assignments_complete(requirement=item, user=user)
    return created


def _satisfied_at(requirement: TrainingRequirement):
    """A subquery giving, per open assignment, when its person satisfied the requirement."""
    if requirement.target == RequirementTarget.COURSE:
        return Enrollment.objects.filter(
            user=OuterRef("user"), course_id=requirement.course_id, completed_at__isnull=False
        ).values("completed_at")[:1]
    if requirement.target == RequirementTarget.PROGRAMME:
        return (
            Certificate.objects.filter(
                holder=OuterRef("user"),
                programme_id=requirement.programme_id,
                current=True,
                revoked_at__isnull=True,
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .values("issued_at")[:1]
        )
    return (
        ExternalQualification.objects.filter(
            user=OuterRef("user"),
            kind__in=requirement.qualification_kinds,
            state=QualificationState.APPROVED,
        )
        .order_by("reviewed_at")
        .values("reviewed_at")[:1]
    )


def assignments_complete(*, requirement: TrainingRequirement | None = None, user=None) -> int:
    """Mark open assignments complete whose person has done what they require."""
    requirements = TrainingRequirement.objects.all()
    if requirement is not None:
        requirements = requirements.filter(pk=requirement.pk)
    if user is not None:
        requirements = requirements.filter(assignments__user=user).distinct()
    completed = 0
    for item in requirements:
        satisfied = _satisfied_at(item)
        open_ones = Assignment.objects.filter(requirement=item, completed_at__isnull=True)
        if user is not None:
            open_ones = open_ones.filter(user=user)
        completed += open_ones.filter(Exists(satisfied)).update(completed_at=Subquery(satisfied))
    return completed


def assignments_of(user):
    return (
        Assignment.objects.filter(user=user)
        .select_related("requirement", "requirement__course", "requirement__programme")
        .order_by("completed_at", "due_on")
    )
