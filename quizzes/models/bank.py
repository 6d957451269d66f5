"""The question bank: questions on the syllabus, authored in banks, frozen in versions.

A question is edited as a working copy (this model and its options and parts). Publishing it,
and every later edit of a published question, freezes the content in a new ``QuestionVersion``;
attempts point at the version they showed, so an edit never changes a past attempt.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PreviewableMixin

from courses.blocks import RICH_TEXT_FEATURES
from courses.models import QuestionType
from lms.html import clean_html, html_is_empty

CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE}
HUMAN_MARKED_TYPES = {QuestionType.CASE_ANALYSIS, QuestionType.SERVICE_PLAN, QuestionType.ESSAY}
OPTION_LABELS = "ABCDEFGH"


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class QuestionBank(models.Model):
    """A set of questions with its authors. Trainers edit the banks they author."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    subject = models.ForeignKey(
        "courses.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="question_banks",
        verbose_name=_("authors"),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("subject"),
        FieldPanel("authors"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]
        permissions = [("edit_any_bank", _("Can edit the questions of every bank"))]

    def __str__(self) -> str:
        return self.name


class Question(PreviewableMixin, ClusterableModel):
    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="questions", verbose_name=_("bank")
    )
    ref = models.CharField(
        _("reference"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A stable identifier from the source file; imports match on it."),
    )
    type = models.CharField(_("type"), max_length=32, choices=QuestionType.choices)
    chapter = models.ForeignKey(
        "courses.Chapter",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("chapter"),
    )
    knowledge_points = ParentalManyToManyField(
        "courses.KnowledgePoint",
        blank=True,
        related_name="questions",
        verbose_name=_("knowledge points"),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 easy … 5 hard"),
    )
    source = models.CharField(
        _("source"),
        max_length=32,
        default="original",
        help_text=_("“original”, or the exam year the question comes from."),
    )
    edition = models.CharField(_("outline edition"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    stem = RichTextField(_("stem"), features=RICH_TEXT_FEATURES)
    explanation = RichTextField(_("explanation"), blank=True, features=RICH_TEXT_FEATURES)
    current_version = models.ForeignKey(
        "quizzes.QuestionVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("bank"), FieldPanel("type"), FieldPanel("status")]),
                FieldRowPanel(
                    [FieldPanel("chapter"), FieldPanel("difficulty"), FieldPanel("source")]
                ),
                FieldPanel("knowledge_points"),
            ],
            heading=_("Question"),
        ),
        FieldPanel("stem"),
        InlinePanel("options", heading=_("Options"), label=_("Option")),
        InlinePanel(
            "parts", heading=_("Sub-questions (human-marked types)"), label=_("Sub-question")
        ),
        FieldPanel("explanation"),
        FieldPanel("ref"),
    ]
    # Nothing refers to a question through Wagtail's reference index; skipping it keeps
    # imports of large banks fast.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["chapter__code", "ref", "pk"]
        indexes = [models.Index(fields=["status", "type", "chapter"])]

    def __str__(self) -> str:
        from django.utils.html import strip_tags

        return f"{self.ref or self.pk}: {strip_tags(self.stem)[:60]}"

    @property
    def is_human_marked(self) -> bool:
        return self.type in HUMAN_MARKED_TYPES

    def clean(self):
        super().clean()
        stem, self.stem = self.stem, clean_html(self.stem)
        self.explanation = clean_html(self.explanation)
        if html_is_empty(self.stem) and not html_is_empty(stem):
            raise ValidationError(
                {"stem": _("The stem is empty once scripts and other unsafe HTML are removed.")}
            )
        if self.chapter_id and self.edition == "":
            self.edition = self.chapter.edition

    def get_preview_template(self, request, mode_name):
        return "quizzes/question_preview.html"

    def get_preview_context(self, request, mode_name):
        from quizzes.services.questions import question_snapshot

        context = super().get_preview_context(request, mode_name)
        context["snapshot"] = question_snapshot(self)
        return context


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.TextField(_("text"))
    is_correct = models.BooleanField(
        _("correct"),
        default=False,
        help_text=_(
            "Correcting the key of a published question re-scores past attempts with it and "
            "tells the learners whose score changes."
        ),
    )
    explanation = models.TextField(_("explanation of this option"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("explanation")]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")


class QuestionPart(Orderable):
    """A sub-question of a human-marked question, with the key points the marker looks for."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="parts")
    prompt = models.TextField(_("prompt"))
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    key_points = models.TextField(_("key points for the marker"), help_text=_("One per line."))

    panels = [FieldPanel("prompt"), FieldPanel("points"), FieldPanel("key_points")]

    class Meta(Orderable.Meta):
        verbose_name = _("sub-question")
        verbose_name_plural = _("sub-questions")


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as candidates saw it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(max_length=32, choices=QuestionType.choices)
    chapter = models.ForeignKey("courses.Chapter", on_delete=models.PROTECT, related_name="+")
    knowledge_point_ids = models.JSONField(default=list)
    difficulty = models.PositiveSmallIntegerField()
    stem = models.TextField()
    explanation = models.TextField(blank=True)
    # [{"id": option pk, "text", "correct", "explanation"}]
    options = models.JSONField(default=list)
    # [{"prompt", "points", "key_points": [..]}]
    parts = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_question_version"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Question versions cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def key(self) -> list[int]:
        return [option["id"] for option in self.options if option["correct"]]
