"""Attempts and responses. An attempt freezes its questions, their versions and option order."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class SubmitReason(models.TextChoices):
    LEARNER = "learner", _("Submitted by the learner")
    DEADLINE = "deadline", _("Submitted automatically at the deadline")


class Accommodation(models.Model):
    """Extra time for a learner (for example ×1.5), set by a trainer or institution admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodation"
    )
    time_factor = models.DecimalField(
        _("time factor"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")

    def __str__(self) -> str:
        return f"{self.user} ×{self.time_factor}"


class Attempt(models.Model):
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    state = models.CharField(
        _("state"), max_length=16, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    time_factor = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submit_reason = models.CharField(max_length=16, choices=SubmitReason.choices, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2)
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"), default=False, help_text=_("Some answers still wait for a marker.")
    )
    analysed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="when mastery and the wrong-answer notebook took this attempt in",
    )

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(state="in_progress"),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    @property
    def passed(self) -> bool | None:
        if self.score is None or self.pass_mark is None or self.provisional:
            return None
        return self.score >= self.pass_mark


class Response(models.Model):
    """One question of an attempt: what was shown (frozen) and what the learner answered."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.PROTECT, related_name="responses"
    )
    option_order = models.JSONField(default=list)  # option ids in the order shown
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    # Choice questions: a list of option ids. Human-marked: a list of texts, one per part.
    answer = models.JSONField(null=True, blank=True)
    seq = models.PositiveIntegerField(default=0, help_text="the client's sequence number")
    saved_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback = models.TextField(blank=True)
    part_points = models.JSONField(null=True, blank=True)  # a marker's points per sub-question

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="unique_response_position"
            ),
        ]
        ordering = ["attempt", "position"]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"


class Mastery(models.Model):
    """How well a learner knows a knowledge point (0–1), from every graded response on it.

    Updated as an exponentially weighted average, so recent evidence counts more: the first
    answers average plainly, later ones move the estimate by a fifth of their surprise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery"
    )
    knowledge_point = models.ForeignKey(
        "courses.KnowledgePoint", on_delete=models.CASCADE, related_name="mastery"
    )
    level = models.FloatField(_("mastery"), default=0.0)
    evidence = models.PositiveIntegerField(_("answers counted"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mastery")
        verbose_name_plural = _("mastery")
        constraints = [
            models.UniqueConstraint(fields=["user", "knowledge_point"], name="unique_mastery"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.knowledge_point_id}: {self.level:.2f}"


class ReviewCard(models.Model):
    """A question in a learner's wrong-answer notebook (错题本), scheduled with FSRS.

    A wrong answer puts the question in (or back in) the notebook; every later answer to it is
    a review that FSRS schedules; ``RETIRE_AFTER`` correct reviews in a row take it out.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="review_cards"
    )
    card = models.JSONField(default=dict)  # fsrs.Card.to_dict()
    due = models.DateTimeField(_("due"))
    correct_streak = models.PositiveSmallIntegerField(_("correct in a row"), default=0)
    lapses = models.PositiveSmallIntegerField(_("times wrong"), default=0)
    added_at = models.DateTimeField(_("added"))
    last_wrong_at = models.DateTimeField(_("last wrong"))
    retired_at = models.DateTimeField(_("left the notebook"), null=True, blank=True)

    class Meta:
        verbose_name = _("wrong-answer card")
        verbose_name_plural = _("wrong-answer notebook")
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="unique_review_card"),
        ]
        indexes = [models.Index(fields=["user", "retired_at", "due"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.question_id}"
