"""Authoring screens: question banks, questions (with preview as candidates see it), quizzes."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from quizzes.forms import QuestionForm
from quizzes.models import Question, QuestionBank, Quiz
from quizzes.permissions import QuestionPermissionPolicy, banks_for
from quizzes.services.questions import question_version_sync


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


class QuestionViewSet(SnippetViewSet):
    model = Question
    edit_view_class = OwnBankEditView
    icon = "help"
    list_display = ["__str__", "type", "chapter", "difficulty", "status"]
    list_filter = {
        "chapter__subject": ["exact"],
        "chapter": ["exact"],
        "type": ["exact"],
        "status": ["exact"],
        "difficulty": ["exact"],
        "bank": ["exact"],
    }
    search_fields = ["stem", "ref"]
    search_backend_name = None  # plain database filtering: the bank is not in the search index
    list_per_page = 50
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_permission_for(
            request.user, "change"
        ).select_related("chapter", "bank")


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = ["title", "kind", "subject", "time_limit_minutes", "is_active"]
    list_filter = ["kind", "subject", "is_active"]


class QuizzesViewSetGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionBankViewSet, QuizViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
    submenu_hook = "register_question_bank_menu_item"


register_snippet(QuizzesViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def freeze_published_question(request, instance):
    if isinstance(instance, Question):
        question_version_sync(question=instance, user=request.user)


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
