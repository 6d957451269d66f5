"""Quiz definitions: what is asked, for how long, how often, and what is shown when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from courses.models import MultipleChoiceRule


class QuizKind(models.TextChoices):
    PRACTICE = "practice", _("Chapter practice")
    CHAPTER_TEST = "chapter_test", _("Chapter test")
    MOCK_EXAM = "mock_exam", _("Mock exam")
    MODULE_ASSESSMENT = "module_assessment", _("Module assessment")
    DAILY = "daily", _("Daily practice")
    REVIEW = "review", _("Wrong-answer review")


class ReviewTiming(models.TextChoices):
    IMMEDIATELY = "immediately", _("After each answer")
    AFTER_SUBMIT = "after_submit", _("After the attempt is submitted")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class Quiz(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=QuizKind.choices)
    subject = models.ForeignKey(
        "courses.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("subject"),
        help_text=_("A mock exam is built from this subject's blueprint."),
    )
    chapters = ParentalManyToManyField(
        "courses.Chapter",
        blank=True,
        related_name="quizzes",
        verbose_name=_("chapters"),
        help_text=_("Questions are drawn from these chapters (practice, tests, assessments)."),
    )
    knowledge_points = ParentalManyToManyField(
        "courses.KnowledgePoint",
        blank=True,
        related_name="quizzes",
        verbose_name=_("knowledge points"),
        help_text=_("Narrow the draw to these knowledge points."),
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("training module"),
    )
    question_count = models.PositiveSmallIntegerField(
        _("number of questions"),
        default=10,
        help_text=_("Ignored by mock exams, which follow the blueprint."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty: untimed; a mock exam takes the blueprint's duration."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0: unlimited")
    )
    pass_percent = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: a mock exam uses the blueprint's pass mark; others have none."),
    )
    multiple_choice_rule = models.CharField(
        _("multiple-choice scoring"),
        max_length=32,
        choices=MultipleChoiceRule.choices,
        default=MultipleChoiceRule.EXAM,
    )
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    show_score = models.CharField(
        _("show the score"),
        max_length=16,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_SUBMIT,
    )
    show_keys = models.CharField(
        _("show keys and explanations"),
        max_length=16,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_SUBMIT,
    )
    blind_marking = models.BooleanField(
        _("blind marking"),
        default=False,
        help_text=_("Markers see an anonymous code instead of the learner's name and institution."),
    )
    second_marking = models.BooleanField(
        _("second marker"),
        default=False,
        help_text=_(
            "Every human-marked answer is marked twice, independently; marks further apart "
            "than the tolerance go to a moderator."
        ),
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    is_active = models.BooleanField(_("open to learners"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("kind")]),
        MultiFieldPanel(
            [
                FieldPanel("subject"),
                FieldPanel("chapters"),
                FieldPanel("knowledge_points"),
                FieldPanel("question_count"),
                FieldPanel("module"),
            ],
            heading=_("What is asked"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("time_limit_minutes"),
                        FieldPanel("max_attempts"),
                        FieldPanel("pass_percent"),
                    ]
                ),
                FieldPanel("multiple_choice_rule"),
                FieldPanel("shuffle_options"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("show_score"), FieldPanel("show_keys")]),
                FieldPanel("closes_at"),
                FieldPanel("is_active"),
            ],
            heading=_("Review"),
        ),
        MultiFieldPanel(
            [FieldPanel("blind_marking"), FieldPanel("second_marking")],
            heading=_("Marking"),
        ),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title
