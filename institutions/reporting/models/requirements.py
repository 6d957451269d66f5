"""Mandatory training: who must do what by when, and each person's assignment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import StaffCategory


class RequirementTarget(models.TextChoices):
    COURSE = "course", _("Complete a course")
    PROGRAMME = "programme", _("Hold a valid certificate of a programme")
    QUALIFICATION = "qualification", _("Obtain a qualification")


class DueRule(models.TextChoices):
    FIXED_DATE = "fixed_date", _("By a fixed date")
    MONTHS_AFTER_HIRE = "months_after_hire", _("Within a number of months of hire")


class TrainingRequirement(models.Model):
    """E.g. "new staff in public-service posts complete rotation training within 6 months".

    The audience is everyone with a membership in ``institution``'s subtree, narrowed by staff
    category (none listed: every category) and by hire date.
    """

    name = models.CharField(_("name"), max_length=200)
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=_("institution (and every unit below it)"),
    )
    staff_categories = models.JSONField(_("staff categories"), default=list, blank=True)
    hired_after = models.DateField(_("hired on or after"), null=True, blank=True)
    target = models.CharField(_("what is required"), max_length=16, choices=RequirementTarget)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    programme = models.ForeignKey(
        "certificates.CertificateProgramme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate programme"),
    )
    qualification_kinds = models.JSONField(_("qualifications that count"), default=list, blank=True)
    due_rule = models.CharField(_("due"), max_length=20, choices=DueRule)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_months = models.PositiveSmallIntegerField(_("months after hire"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def category_labels(self) -> list[str]:
        labels = dict(StaffCategory.choices)
        return [str(labels.get(code, code)) for code in self.staff_categories]


class Assignment(models.Model):
    """One person's duty under a requirement, with its due date. Completed once satisfied."""

    requirement = models.ForeignKey(
        TrainingRequirement, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    due_on = models.DateField(_("due"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    qualification = models.ForeignKey(
        "reporting.ExternalQualification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("satisfied by the qualification"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "user"], name="unique_assignment"),
        ]
        indexes = [models.Index(fields=["user", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.requirement}"

    def is_overdue(self, today=None) -> bool:
        return self.completed_at is None and self.due_on < (today or timezone.localdate())

    def state_label(self, today=None) -> str:
        if self.completed_at is not None:
            return _("Completed")
        if self.is_overdue(today):
            return _("Overdue")
        return _("Open")


class AssignmentReminder(models.Model):
    """A reminder sent about an assignment: one row per assignment and kind, so never twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        DUE_THIS_WEEK = "due_this_week", _("Due this week")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"], name="unique_assignment_reminder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.kind}"


class AnnualTarget(models.Model):
    """How many newly qualified social workers an institution aims for in a year."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="annual_targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    qualified_people = models.PositiveIntegerField(_("newly qualified social workers"))

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="unique_annual_target"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}: {self.qualified_people}"
