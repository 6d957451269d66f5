"""Authoring screens for the syllabus and blueprints. Only city admins hold their permissions."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import Blueprint, Chapter, ExamLevel, KnowledgePoint, Subject


class ExamLevelViewSet(SnippetViewSet):
    model = ExamLevel
    icon = "folder-open-inverse"
    list_display = ["code", "name", "name_en", "order"]
    ordering = ["order"]


class SubjectViewSet(SnippetViewSet):
    model = Subject
    icon = "folder-inverse"
    list_display = ["code", "name", "edition", "level"]
    list_filter = ["level", "edition"]
    search_fields = ["code", "name", "name_en"]


class ChapterViewSet(SnippetViewSet):
    model = Chapter
    icon = "list-ul"
    list_display = ["code", "name", "weight", "edition"]
    list_filter = ["subject", "edition"]
    search_fields = ["code", "name", "name_en"]
    list_per_page = 50


class KnowledgePointViewSet(SnippetViewSet):
    model = KnowledgePoint
    icon = "pick"
    list_display = ["code", "name", "importance", "weight"]
    list_filter = ["chapter__subject", "importance", "edition"]
    search_fields = ["code", "name", "name_en"]
    list_per_page = 50


class BlueprintViewSet(SnippetViewSet):
    model = Blueprint
    icon = "table"
    list_display = ["subject", "duration_minutes", "pass_mark", "pass_policy"]


class SyllabusViewSetGroup(SnippetViewSetGroup):
    items = (
        ExamLevelViewSet,
        SubjectViewSet,
        ChapterViewSet,
        KnowledgePointViewSet,
        BlueprintViewSet,
    )
    menu_icon = "folder-open-1"
    menu_label = _("Syllabus")
    menu_name = "syllabus"


register_snippet(SyllabusViewSetGroup)
