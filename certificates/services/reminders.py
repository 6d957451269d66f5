"""Reminders before a certificate expires, to its holder and their institution admins."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import Certificate, ExpiryReminder
from certificates.services.rendering import verify_url
from institutions.selectors import admins_of
from lms.mail import email_enqueue


def _claim(certificate: Certificate, days: int, *, sent: bool) -> bool:
    """Record the reminder; False if it was recorded already (another run got there)."""
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(
                certificate=certificate,
                days_before=days,
                sent_at=timezone.now() if sent else None,
            )
    except IntegrityError:
        return False
    return True


def _send(certificate: Certificate, days_left: int) -> None:
    holder = certificate.holder
    context = {
        "programme": certificate.programme_name,
        "serial": certificate.serial,
        "date": timezone.localtime(certificate.expires_at).strftime("%Y-%m-%d"),
        "days": days_left,
        "link": verify_url(certificate),
        "name": holder.display_name,
    }
    if holder.email:
        with translation.override(holder.preferred_language or settings.LANGUAGE_CODE):
            email_enqueue(
                subject=_("Your certificate %(serial)s expires on %(date)s") % context,
                body=_(
                    "%(name)s, your certificate “%(programme)s” (%(serial)s) expires on "
                    "%(date)s, in %(days)s days. Retake the programme to be certified again.\n"
                    "%(link)s"
                )
                % context,
                to=[holder.email],
            )
    admins = [admin.email for admin in admins_of(holder) if admin.email]
    if admins:
        with translation.override(settings.LANGUAGE_CODE):
            email_enqueue(
                subject=_("%(name)s's certificate %(serial)s expires on %(date)s") % context,
                body=_(
                    "The certificate “%(programme)s” (%(serial)s) of %(name)s expires on "
                    "%(date)s, in %(days)s days.\n%(link)s"
                )
                % context,
                to=admins,
            )


def expiry_reminders_send(now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due (by default 90, 30 and 7 days before expiry). A
    certificate already inside a later threshold gets only that one; each is sent once."""
    now = now or timezone.now()
    thresholds = sorted(settings.CERTIFICATE_REMINDER_DAYS)
    horizon = now + datetime.timedelta(days=max(thresholds))
    certificates = Certificate.objects.filter(
        current=True, revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=horizon
    ).select_related("holder")
    sent = 0
    for certificate in certificates:
        days_left = (certificate.expires_at - now).days
        due = [
            days
            for days in thresholds
            if certificate.expires_at - now <= datetime.timedelta(days=days)
        ]
        most_urgent = min(due)
        if _claim(certificate, most_urgent, sent=True):
            for days in due:
                if days != most_urgent:
                    _claim(certificate, days, sent=False)
            _send(certificate, days_left)
            sent += 1
    return sent
