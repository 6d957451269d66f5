"""A person's record for their admins: contact details (as ``institutions.personal_data``
allows), posts, required training and certificates. Every view is in the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from certificates.selectors import certificates_of
from institutions.personal_data import mask_email, mask_phone, may_see_contact
from institutions.selectors import administers
from lms.audit import audit_record
from lms.models import AuditAction

from ..services.requirements import assignments_of


@login_required
def person_record(request, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not administers(request.user, person):
        raise Http404
    full = may_see_contact(request.user, person)
    audit_record(
        action=AuditAction.PERSON_RECORD_VIEWED,
        request=request,
        subject=person,
        detail={"record": "person", "contact_shown": full},
    )
    return render(
        request,
        "reporting/person.html",
        {
            "person": person,
            "phone": person.phone if full else mask_phone(person.phone),
            "email": person.email if full else mask_email(person.email),
            "memberships": person.memberships.select_related("institution", "supervisor"),
            "assignments": assignments_of(person),
            "certificates": certificates_of(person),
            "today": timezone.localdate(),
        },
    )
