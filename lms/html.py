"""The one allow-list for HTML that trainers and imports supply (question stems, explanations,
lesson rich text): what it may hold, and nothing that runs.

``clean_html`` is applied when content is stored (question versions, imports) and again when it
is shown (``lms_html.clean_richtext``, the attempt payload), so rows stored before the
allow-list existed are shown cleaned too.
"""

import re
from functools import cache

import nh3
from django.conf import settings
from django.utils.html import strip_tags

TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "img",
    "a",
}
ATTRIBUTES = {
    # Wagtail's rich text marks block elements with a key and stores links to its own pages and
    # documents as <a linktype="page" id="3">; both are expanded or ignored when shown.
    "*": {"data-block-key"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
TAG_ATTRIBUTE_VALUES = {"a": {"linktype": {"page", "document"}}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them (other tags not allowed are removed, their text kept).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "textarea", "select"}
_DIGITS = re.compile(r"\d+")


def _image_prefixes() -> tuple[str, ...]:
    """Where Qihang's own images are served from (Wagtail images and their renditions)."""
    return (f"{settings.MEDIA_URL}images/", f"{settings.MEDIA_URL}original_images/")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(("https://", *_image_prefixes())) else None
    if tag == "a" and attribute == "id":
        return value if _DIGITS.fullmatch(value) else None  # a Wagtail link's page or document
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        tag_attribute_values=TAG_ATTRIBUTE_VALUES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def clean_html(value: str | None) -> str:
    """The HTML with only the allowed tags, attributes and URLs; no scripts, event handlers,
    ``javascript:`` links, styles, frames or forms."""
    if not value:
        return ""
    return _cleaner().clean(value)


def html_is_empty(value: str | None) -> bool:
    """True when cleaned HTML shows nothing: no text and no image."""
    return not strip_tags(value or "").strip() and "<img" not in (value or "")
