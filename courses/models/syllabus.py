"""The exam syllabus (考试大纲) and the blueprint (组卷规则) of each subject's paper.

Everything in Qihang hangs off this tree: exam level → subject → chapter → knowledge point.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    CASE_ANALYSIS = "case_analysis", _("Case analysis")
    SERVICE_PLAN = "service_plan", _("Service-plan design")
    ESSAY = "essay", _("Essay")


class MultipleChoiceRule(models.TextChoices):
    EXAM = "exam", _("As the exam: any wrong option 0, else 0.5 per correct option, all keys full")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PROPORTIONAL = "proportional", _("Proportional")


class PassPolicy(models.TextChoices):
    SAME_YEAR = "same_year", _("All subjects in the same exam year")
    TWO_YEAR_ROLLOVER = "two_year_rollover", _("A passed subject rolls over to the next year")
    THREE_YEAR_VALIDITY = "three_year_validity", _("Pass proof valid for three years")


class SyllabusNode(models.Model):
    """Fields every syllabus node has."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class ExamLevel(SyllabusNode):
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_en"), FieldPanel("order")]

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("exam level")
        verbose_name_plural = _("exam levels")


class Subject(SyllabusNode):
    level = models.ForeignKey(
        ExamLevel, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("level")
    )
    edition = models.CharField(_("outline edition"), max_length=16)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("level"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("edition"),
        FieldPanel("order"),
    ]

    class Meta:
        ordering = ["level__order", "order", "code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")


class Chapter(SyllabusNode):
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="chapters", verbose_name=_("subject")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    edition = models.CharField(_("outline edition"), max_length=16)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Share of the paper's points, in percent."),
    )

    panels = [
        FieldPanel("subject"),
        FieldPanel("number"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("edition"),
        FieldPanel("weight"),
    ]

    class Meta:
        ordering = ["subject__level__order", "subject__order", "number"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [
            models.UniqueConstraint(fields=["subject", "number"], name="unique_chapter_number"),
        ]


class KnowledgePoint(SyllabusNode):
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.PROTECT,
        related_name="knowledge_points",
        verbose_name=_("chapter"),
    )
    edition = models.CharField(_("outline edition"), max_length=16)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Relative weight within its chapter."),
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"),
        default=1,
        choices=[(1, "★"), (2, "★★"), (3, "★★★")],
        help_text=_("Three stars: asked in most years."),
    )

    panels = [
        FieldPanel("chapter"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("edition"),
        FieldPanel("weight"),
        FieldPanel("importance"),
    ]

    class Meta:
        ordering = ["chapter__subject__order", "chapter__number", "code"]
        verbose_name = _("knowledge point")
        verbose_name_plural = _("knowledge points")


class Blueprint(ClusterableModel):
    """How a subject's paper is built and passed."""

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="blueprint", verbose_name=_("subject")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)
    multiple_choice_rule = models.CharField(
        _("multiple-choice scoring"),
        max_length=32,
        choices=MultipleChoiceRule.choices,
        default=MultipleChoiceRule.EXAM,
    )
    pass_policy = models.CharField(
        _("pass policy"), max_length=32, choices=PassPolicy.choices, default=PassPolicy.SAME_YEAR
    )
    notes = models.TextField(_("notes"), blank=True)

    panels = [
        FieldPanel("subject"),
        MultiFieldPanel(
            [
                FieldPanel("duration_minutes"),
                FieldPanel("pass_mark"),
                FieldPanel("multiple_choice_rule"),
                FieldPanel("pass_policy"),
            ],
            heading=_("Paper"),
        ),
        InlinePanel("sections", heading=_("Sections"), label=_("Section"), min_num=1),
        InlinePanel("regional_pass_lines", heading=_("Regional pass lines"), label=_("Region")),
        FieldPanel("notes"),
    ]

    class Meta:
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def total_points(self) -> Decimal:
        return sum((section.total_points for section in self.sections.all()), Decimal(0))


class BlueprintSection(Orderable):
    blueprint = ParentalKey(Blueprint, on_delete=models.CASCADE, related_name="sections")
    question_type = models.CharField(
        _("question type"), max_length=32, choices=QuestionType.choices
    )
    count = models.PositiveSmallIntegerField(_("number of questions"))
    points_each = models.DecimalField(_("points each"), max_digits=5, decimal_places=2)

    panels = [FieldPanel("question_type"), FieldPanel("count"), FieldPanel("points_each")]

    class Meta(Orderable.Meta):
        verbose_name = _("blueprint section")
        verbose_name_plural = _("blueprint sections")

    @property
    def total_points(self) -> Decimal:
        return self.count * self.points_each


class RegionalPassLine(Orderable):
    """A lower pass line some regions set; its certificate is valid only in that region."""

    blueprint = ParentalKey(Blueprint, on_delete=models.CASCADE, related_name="regional_pass_lines")
    region = models.CharField(_("region"), max_length=64)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=2)
    valid_only_in_region = models.BooleanField(
        _("certificate valid only in the region"), default=True
    )

    panels = [FieldPanel("region"), FieldPanel("pass_mark"), FieldPanel("valid_only_in_region")]

    class Meta(Orderable.Meta):
        verbose_name = _("regional pass line")
        verbose_name_plural = _("regional pass lines")
