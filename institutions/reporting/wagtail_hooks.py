"""Authoring screen: each institution's yearly target of newly qualified social workers (city
admins), which the dashboard sets the year's count against."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AnnualTarget


class AnnualTargetViewSet(SnippetViewSet):
    model = AnnualTarget
    icon = "pick"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["institution", "year", "qualified_people"]
    list_filter = ["year"]
    ordering = ["-year", "institution__path"]


register_snippet(AnnualTargetViewSet)
