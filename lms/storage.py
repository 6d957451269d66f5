from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    """Storage outside the web root: files leave it only through permission-checked views."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
