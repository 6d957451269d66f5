"""In-app notices: sent by services, listed on the notices page, counted in the header."""

from django.utils import timezone

from lms.models import Notice


def notice_send(*, user, message: str, link: str = "") -> Notice:
    return Notice.objects.create(user=user, message=message[:500], link=link)


def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def unread_notices(request) -> dict:
    """Template context: how many notices the signed-in person has not read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": Notice.objects.filter(user=user, read_at__isnull=True).count()}


def language_of(user) -> str:
    """The language to write to a person in: their choice, else the site's default."""
    from django.conf import settings

    return user.preferred_language or settings.LANGUAGE_CODE
