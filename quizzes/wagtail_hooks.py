"""Authoring screens: question banks, questions (with preview as candidates see it), quizzes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from quizzes.forms import QuestionForm
from quizzes.models import Question, QuestionBank, Quiz, Regrade
from quizzes.permissions import QuestionPermissionPolicy, banks_for
from quizzes.services.questions import question_version_sync
from quizzes.services.regrade import regrade_schedule


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
