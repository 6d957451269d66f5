"""``{{ value|clean_richtext }}``: Wagtail's ``richtext`` (expanding links to pages and
documents), then the allow-list of ``lms.html``. Use it wherever authored HTML is shown."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import RichText, expand_db_html

from lms.html import clean_html

register = template.Library()


@register.filter
def clean_richtext(value) -> SafeString:
    if value is None:
        return mark_safe("")
    source = value.source if isinstance(value, RichText) else str(value)
    return mark_safe(clean_html(expand_db_html(source)))  # noqa: S308 - cleaned just above
