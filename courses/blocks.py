"""Blocks of a lesson's body. Each block has its own template and preview value."""

from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

# Hosts whose players may be embedded in a lesson. Players are iframes; nothing is fetched
# from these hosts by the server.
VIDEO_PLAYER_HOSTS = ("player.bilibili.com", "v.qq.com", "player.youku.com", "www.youtube.com")
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        preview_value = "个案工作的基本过程"
        label = _("Heading")


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/paragraph.html"
        preview_value = "<p>接案是社会工作者与服务对象建立专业关系的第一步。</p>"
        label = _("Paragraph")


class LessonImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        label = _("Image")


class VideoURLBlock(blocks.URLBlock):
    def clean(self, value):
        value = super().clean(value)
        host = urlparse(value).hostname or ""
        if value and host not in VIDEO_PLAYER_HOSTS:
            raise ValidationError(
                _("Videos can be embedded from %(hosts)s only.")
                % {"hosts": ", ".join(VIDEO_PLAYER_HOSTS)}
            )
        return value


class VideoBlock(blocks.StructBlock):
    """A video: an uploaded file (MP4/WebM) or a player page from an allowed host."""

    title = blocks.CharBlock(label=_("Title"))
    file = DocumentChooserBlock(label=_("Video file"), required=False)
    player_url = VideoURLBlock(label=_("Player URL"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("file") and not value.get("player_url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "file": ValidationError(_("Choose a video file or give a player URL."))
                }
            )
        return value

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        label = _("Video")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"
        label = _("Document download")


class KeyPointBlock(blocks.StructBlock):
    """A key-point callout (考点提示) tagged with the knowledge points it teaches."""

    title = blocks.CharBlock(label=_("Title"), default="考点提示")
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    knowledge_points = blocks.ListBlock(
        SnippetChooserBlock("courses.KnowledgePoint"), label=_("Knowledge points"), default=[]
    )

    class Meta:
        icon = "pick"
        template = "courses/blocks/key_point.html"
        label = _("Key point")
        preview_value = {"title": "考点提示", "text": "<p>接案阶段的主要任务是建立专业关系。</p>"}


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = LessonImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    key_point = KeyPointBlock()
