"""Item and test statistics, computed in the background from submitted attempts.

Statistics are kept per question (every version of it together: a new version is usually a
small correction, and options keep their ids), either within one quiz or bank-wide
(``quiz`` empty: every quiz's attempts, each learner's first answer to the question).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatistics(models.Model):
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="item_statistics",
        help_text="empty: the whole bank",
    )
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="statistics"
    )
    answers = models.PositiveIntegerField(_("answers"), default=0)
    facility = models.FloatField(_("facility index"), null=True)  # 0–1
    sd = models.FloatField(_("standard deviation"), null=True)  # of the fractional score
    random_guess = models.FloatField(_("random guess score"), null=True)  # 0–1
    discrimination = models.FloatField(_("discrimination index"), null=True)  # −100–100
    efficiency = models.FloatField(_("discriminative efficiency"), null=True)  # %
    intended_weight = models.FloatField(_("intended weight"), null=True)  # %
    effective_weight = models.FloatField(_("effective weight"), null=True)  # %
    # {"n", "blank", "options": [{"id", "label", "text", "correct", "count", "share",
    #   "top_share", "bottom_share"}]}
    options = models.JSONField(default=dict)
    flags = models.JSONField(default=list)  # codes from quizzes.item_statistics.FLAGS
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("item statistics")
        verbose_name_plural = _("item statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "question"],
                condition=models.Q(quiz__isnull=False),
                name="unique_item_statistics_per_quiz",
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(quiz__isnull=True),
                name="unique_item_statistics_bank_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id or 'bank'} · {self.question_id}"


class QuizStatistics(models.Model):
    quiz = models.OneToOneField("quizzes.Quiz", on_delete=models.CASCADE, related_name="statistics")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_score = models.FloatField(_("maximum score"), null=True)
    mean = models.FloatField(_("mean score"), null=True)
    median = models.FloatField(_("median score"), null=True)
    sd = models.FloatField(_("standard deviation"), null=True)
    alpha = models.FloatField(_("internal consistency (Cronbach's alpha)"), null=True)
    error_ratio = models.FloatField(_("error ratio"), null=True)  # %
    standard_error = models.FloatField(_("standard error"), null=True)  # points
    scores = models.JSONField(default=list)  # every counted attempt's score, for the histogram
    # [{"chapter", "n", "items", "mean", "percent", "sd", "alpha", "error_ratio",
    #   "standard_error"}]
    chapters = models.JSONField(default=list)
    last_attempt_at = models.DateTimeField(null=True)  # the newest submit taken in
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("quiz statistics")
        verbose_name_plural = _("quiz statistics")

    def __str__(self) -> str:
        return f"{self.quiz_id}: {self.attempts}"


class ItemCalibration(models.Model):
    """A question's Rasch difficulty estimated from real answers, for the pass prediction."""

    question = models.OneToOneField(
        "quizzes.Question", on_delete=models.CASCADE, related_name="calibration"
    )
    difficulty = models.FloatField(_("calibrated difficulty (logits)"))
    answers = models.PositiveIntegerField(_("answers"))
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("item calibration")
        verbose_name_plural = _("item calibrations")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.difficulty:.2f} ({self.answers})"
