"""A transcript PDF: every certificate of a learner and their hours in the current period."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from certificates.hours import counted_entries, current_period
from certificates.selectors import certificates_of
from certificates.services.rendering import PAGE_CSS, html_to_pdf


def transcript_pdf(user) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/transcript.html",
            {
                "person": user,
                "certificates": certificates_of(user),
                "entries": counted_entries(user).order_by("earned_on"),
                "period": current_period(user),
                "page_css": PAGE_CSS,
                "now": timezone.localtime(),
            },
        )
    return html_to_pdf(html)
