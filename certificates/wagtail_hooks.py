"""Authoring screens: certificate templates (trainers and city admins) and programmes (city
admins; trainers may look)."""

from django.utils.translation import gettext_lazy as _
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
