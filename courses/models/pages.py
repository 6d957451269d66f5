"""Wagtail pages: home → course index → course → module → lesson.

Pages hold fields, panels and tree rules. Reads that feed their templates come from
``courses.selectors``; writes from ``courses.services``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import RICH_TEXT_FEATURES, LessonStreamBlock


class CourseKind(models.TextChoices):
    EXAM_PREP = "exam_prep", _("Exam preparation")
    ROTATION_TRAINING = "rotation_training", _("Rotation training")
    CONTINUING_EDUCATION = "continuing_education", _("Continuing education")


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = selectors.course_list_for(user=request.user)[:6]
        return context


class CourseIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = selectors.course_list_for(
            user=request.user, kind=request.GET.get("kind") or None
        )
        context["kinds"] = CourseKind.choices
        context["current_kind"] = request.GET.get("kind", "")
        return context


class CoursePage(Page):
    kind = models.CharField(_("kind"), max_length=32, choices=CourseKind.choices)
    subject = models.ForeignKey(
        "courses.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("exam subject"),
    )
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    sequential = models.BooleanField(
        _("sequential"),
        default=False,
        help_text=_("Learners must complete lessons in order."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("subject"),
                FieldPanel("credit_hours"),
                FieldPanel("audience"),
                FieldPanel("sequential"),
            ],
            heading=_("Course"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("kind"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_outline_for(course=self, user=request.user))
        return context


class ModulePage(Page):
    chapter = models.ForeignKey(
        "courses.Chapter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("syllabus chapter"),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("chapter"), FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # A module is read inside its course's outline.
        return HttpResponseRedirect(self.get_parent().url + f"#module-{self.pk}")


class LessonPage(Page):
    minutes = models.PositiveSmallIntegerField(
        _("expected minutes"), default=15, help_text=_("How long the lesson takes to study.")
    )
    knowledge_points = ParentalManyToManyField(
        "courses.KnowledgePoint",
        blank=True,
        related_name="lessons",
        verbose_name=_("knowledge points taught"),
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("minutes"),
        FieldPanel("knowledge_points"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        from courses import views

        return views.lesson_serve(request, self, super().serve)

    def serve_preview(self, request, mode_name):
        # Authors preview without enrolling; the page renders with its course around it.
        return Page.serve(self, request)

    def get_context(self, request, *args, **kwargs):
        from courses import selectors

        context = super().get_context(request, *args, **kwargs)
        lesson_context = getattr(request, "lesson_context", None)
        if lesson_context is None:
            course = selectors.course_of(self)
            lesson_context = selectors.lesson_context_for(
                lesson=self, course=course, user=request.user
            )
        context.update(lesson_context)
        context["heartbeat_interval"] = settings.HEARTBEAT_INTERVAL_SECONDS
        return context
