"""Marks of human-marked answers (first, second, moderator) and the audit of regrades."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkRole(models.TextChoices):
    FIRST = "first", _("First marker")
    SECOND = "second", _("Second marker")
    MODERATOR = "moderator", _("Moderator")


class Mark(models.Model):
    """One marker's points for one answer. The answer's final points follow from its marks."""

    response = models.ForeignKey("quizzes.Response", on_delete=models.CASCADE, related_name="marks")
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=MarkRole.choices)
    part_points = models.JSONField(default=list)  # points per sub-question, as strings
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["response", "role"], name="one_mark_per_role"),
        ]
        permissions = [("moderate_mark", _("Can settle disagreeing marks"))]

    def __str__(self) -> str:
        return f"{self.response_id} {self.role}: {self.points}"


class Regrade(models.Model):
    """An answer re-scored with a corrected key: what it had, what it has, and why."""

    response = models.ForeignKey(
        "quizzes.Response", on_delete=models.CASCADE, related_name="regrades"
    )
    old_points = models.DecimalField(_("old points"), max_digits=6, decimal_places=2, null=True)
    new_points = models.DecimalField(_("new points"), max_digits=6, decimal_places=2)
    version_from = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    version_to = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("regraded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("regrade")
        verbose_name_plural = _("regrades")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.old_points} → {self.new_points}"
