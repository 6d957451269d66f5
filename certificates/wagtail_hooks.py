"""Authoring screens: certificate templates (trainers and city admins) and programmes (city
admins; trainers may look)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certificates.models import CertificateProgramme, CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    list_display = ["name"]


class CertificateProgrammeViewSet(SnippetViewSet):
    model = CertificateProgramme
    icon = "pick"
    list_display = ["name", "course", "credit_hours", "validity_months", "issuer", "is_active"]


class CertificatesGroup(SnippetViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "pick"
    menu_order = 300
    items = (CertificateProgrammeViewSet, CertificateTemplateViewSet)


register_snippet(CertificatesGroup)


@hooks.register("register_snippet_listing_buttons")
def template_preview_button(snippet, user, next_url=None):
    if isinstance(snippet, CertificateTemplate) and user.has_perm(
        "certificates.change_certificatetemplate"
    ):
        yield Button(
            _("Preview as PDF"),
            url=reverse("certificate-template-preview", args=[snippet.pk]),
            icon_name="view",
            attrs={"target": "_blank", "rel": "noopener"},
            priority=15,
        )
