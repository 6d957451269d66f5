from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Storage outside the web root: files leave it only through permission-checked views."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


@register()
def private_media_outside_web_root(app_configs=None, **kwargs) -> list[Error]:
    """PRIVATE_MEDIA_ROOT must not be inside a directory served as it is (media or static)."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name)).resolve()
        if private == public or public in private.parents or private in public.parents:
            errors.append(
                Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) overlaps {name} ({public}): private files "
                    "(evidence, rosters, certificate PDFs) would be served to anyone.",
                    id="lms.E010",
                )
            )
    return errors
