"""Authoring screens: question banks, questions (with preview as candidates see it), quizzes."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from quizzes import statistics_views
from quizzes.forms import QuestionForm
from quizzes.models import ItemStatistics, Question, QuestionBank, Quiz, Regrade
from quizzes.permissions import QuestionPermissionPolicy, banks_for
from quizzes.services.questions import question_version_sync
from quizzes.services.regrade import regrade_schedule
from quizzes.statistics_report import FLAG_LABELS


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-inverse"
    list_display = ["name", "subject"]

    def get_queryset(self, request):
        return banks_for(request.user)


register_permission_policy(Question, QuestionPermissionPolicy(Question))


class OwnBankEditView(EditView):
    """Wagtail checks the model permission; a trainer must also author the question's bank."""

    def get_object(self, queryset=None):
        question = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", question
        ):
            raise PermissionDenied
        return question


def _bank_statistic(field: str):
    """The bank-wide item statistic of each listed question, as a subquery (one query)."""
    return Subquery(
        ItemStatistics.objects.filter(quiz=None, question=OuterRef("pk")).values(field)[:1]
    )


def _percent(question) -> str:
    value = getattr(question, "bank_facility", None)
    return "" if value is None else f"{100 * value:.0f}%"


def _discrimination(question) -> str:
    value = getattr(question, "bank_discrimination", None)
    return "" if value is None else f"{value:.0f}"


def _flags(question) -> str:
    return ", ".join(str(FLAG_LABELS.get(f, f)) for f in (question.bank_flags or []))


class QuestionFilterSet(WagtailFilterSet):
    flag = django_filters.ChoiceFilter(
        label=_("Statistics flag"),
        choices=list(FLAG_LABELS.items()),
        method="filter_flag",
    )

    class Meta:
        model = Question
        fields = {
            "chapter__subject": ["exact"],
            "chapter": ["exact"],
            "type": ["exact"],
            "status": ["exact"],
            "difficulty": ["exact"],
            "bank": ["exact"],
        }

    def filter_flag(self, queryset, name, value):
        # Flags are a JSON list of codes; a quoted code matches exactly one of them.
        flagged = ItemStatistics.objects.filter(quiz=None, flags__icontains=f'"{value}"')
        return queryset.filter(pk__in=flagged.values("question_id"))


class QuestionViewSet(SnippetViewSet):
    model = Question
    edit_view_class = OwnBankEditView
    icon = "help"
    list_display = [
        "__str__",
        "type",
        "chapter",
        "difficulty",
        "status",
        Column("bank_facility", label=_("Facility index"), accessor=_percent),
        Column("bank_discrimination", label=_("Discrimination index"), accessor=_discrimination),
        Column("bank_flags", label=_("Flags"), accessor=_flags),
    ]
    filterset_class = QuestionFilterSet
    search_fields = ["stem", "ref"]
    search_backend_name = None  # plain database filtering: the bank is not in the search index
    list_per_page = 50
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)

    def get_queryset(self, request):
        return (
            self.permission_policy.instances_user_has_permission_for(request.user, "change")
            .select_related("chapter", "bank")
            .annotate(
                bank_facility=_bank_statistic("facility"),
                bank_discrimination=_bank_statistic("discrimination"),
                bank_flags=_bank_statistic("flags"),
            )
        )


class StatisticsLinkColumn(Column):
    """A link from each quiz to its item statistics report."""

    cell_template_name = "quizzes/statistics/link_cell.html"


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = [
        "title",
        "kind",
        "subject",
        "time_limit_minutes",
        "is_active",
        StatisticsLinkColumn("statistics", label=_("Item statistics")),
    ]
    list_filter = ["kind", "subject", "is_active"]


class QuizzesViewSetGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionBankViewSet, QuizViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    submenu_hook = "register_question_bank_menu_item"


register_snippet(QuizzesViewSetGroup)


class RegradeViewSet(ModelViewSet):
    """The audit of answers re-scored with a corrected key: read only (nobody may add or change
    a row; trainers and city admins may view them)."""

    model = Regrade
    name = "regrades"
    icon = "history"
    menu_label = _("Regrades")
    add_to_admin_menu = True
    menu_order = 310
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["response", "old_points", "new_points", "version_to", "by", "created_at"]
    inspect_view_fields = [
        "response",
        "old_points",
        "new_points",
        "version_from",
        "version_to",
        "by",
        "created_at",
    ]
    form_fields = []

    def get_queryset(self, request):
        regrades = Regrade.objects.select_related("response", "version_to", "by")
        if request.user.has_perm("quizzes.moderate_mark"):
            return regrades
        return regrades.filter(response__version__question__bank__in=banks_for(request.user))


@hooks.register("register_admin_viewset")
def register_regrade_viewset():
    return RegradeViewSet()


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def freeze_published_question(request, instance):
    """Freeze a published question's new content; a corrected key re-scores past answers, and
    the trainer is told so."""
    if isinstance(instance, Question):
        version = question_version_sync(question=instance, user=request.user)
        count = regrade_schedule(version=version, by=request.user)
        if count:
            messages.info(
                request,
                ngettext(
                    "You corrected the key: %(n)s past answer is being re-scored with it. "
                    "Learners whose score changes get a notice.",
                    "You corrected the key: %(n)s past answers are being re-scored with it. "
                    "Learners whose scores change get a notice.",
                    count,
                )
                % {"n": count},
            )


@hooks.register("register_admin_urls")
def statistics_urls():
    return [
        path(
            "quizzes/statistics/<int:quiz_id>/",
            statistics_views.quiz_statistics,
            name="quizzes_statistics",
        ),
        path(
            "quizzes/statistics/<int:quiz_id>/xlsx/",
            statistics_views.quiz_statistics_xlsx,
            name="quizzes_statistics_xlsx",
        ),
    ]


class TrainerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.add_question")


@hooks.register("register_admin_urls")
def question_file_urls():
    from quizzes import import_views as views

    urls = [
        path("import/", views.import_upload, name="question-import"),
        path("import/template.xlsx", views.import_template, name="question-import-template"),
        path("import/<int:pk>/", views.import_detail, name="question-import-detail"),
        path(
            "import/<int:pk>/progress/",
            views.import_progress_view,
            name="question-import-progress",
        ),
        path("export/", views.export, name="question-export"),
    ]
    return [path("question-files/", include((urls, "quizzes_admin"), namespace="quizzes_admin"))]


@hooks.register("register_question_bank_menu_item")
def import_questions_menu_item():
    return TrainerMenuItem(
        _("Import questions"),
        reverse("quizzes_admin:question-import"),
        icon_name="upload",
        order=900,
    )


@hooks.register("register_question_bank_menu_item")
def export_questions_menu_item():
    return TrainerMenuItem(
        _("Export questions"),
        reverse("quizzes_admin:question-export"),
        icon_name="download",
        order=901,
    )
