"""The personal-data audit log: one ``AuditEvent`` per export, report download, look at a
person's record, personal-data export and anonymisation.

Callers pass what they know (this module sits in the lowest layer and imports no other app).
Events are only ever added: nothing in Qihang changes or deletes them, and the city admins read
them at ``/institutions/audit/`` (``institutions.reporting.views.audit``).
"""

from django.conf import settings

from lms import request_id
from lms.models import AuditAction, AuditEvent


def _address(request) -> str | None:
    if request is None:
        return None
    key = getattr(settings, "RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
    if not isinstance(key, str) or "." in key:  # a callable's dotted path: use the socket's
        key = "REMOTE_ADDR"
    value = (request.META.get(key) or request.META.get("REMOTE_ADDR") or "").split(",")[0]
    return value.strip() or None


def _label(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return f"{user.display_name} ({user.get_username()})"[:150]


def audit_record(
    *,
    action: AuditAction,
    actor=None,
    subject=None,
    institution=None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add one event. ``actor`` and ``subject`` are users (or None); their names are copied so
    the event still reads after an account is anonymised."""
    if actor is None and request is not None:
        actor = request.user
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=_label(actor),
        subject=subject,
        subject_label=_label(subject),
        institution=institution,
        request_id=request_id.current() or "",
        address=_address(request),
        detail=detail or {},
    )
