"""The institution admin's certificate desk: their people's certificates with filters, revoking
with a reason, issuing by hand in bulk, and ZIP downloads built in the background."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import CertificateExport, CertificateProgramme
from certificates.services.exports import certificates_administered_by, export_request
from certificates.services.issuance import certificate_issue_by_admin, certificate_revoke
from institutions.selectors import administered_people, is_administrator
from lms.audit import audit_record
from lms.models import AuditAction

STATES = [
    ("", gettext_lazy("Any state")),
    ("valid", gettext_lazy("Valid")),
    ("expiring", gettext_lazy("Expiring within 90 days")),
    ("expired", gettext_lazy("Expired")),
    ("revoked", gettext_lazy("Revoked")),
]


class FilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        CertificateProgramme.objects.all(), required=False, label=gettext_lazy("Programme")
    )
    state = forms.ChoiceField(choices=STATES, required=False, label=gettext_lazy("State"))
    q = forms.CharField(required=False, label=gettext_lazy("Name or serial"))


def _filtered(admin, data):
    form = FilterForm(data)
    certificates = certificates_administered_by(admin).filter(current=True)
    if form.is_valid():
        now = timezone.now()
        if form.cleaned_data["programme"]:
            certificates = certificates.filter(programme=form.cleaned_data["programme"])
        state = form.cleaned_data["state"]
        live = Q(revoked_at__isnull=True)
        if state == "valid":
            certificates = certificates.filter(
                live, Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        elif state == "expiring":
            soon = now + datetime.timedelta(days=90)
            certificates = certificates.filter(live, expires_at__gt=now, expires_at__lte=soon)
        elif state == "expired":
            certificates = certificates.filter(live, expires_at__lte=now)
        elif state == "revoked":
            certificates = certificates.filter(revoked_at__isnull=False)
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"].strip()
            certificates = certificates.filter(
                Q(holder_name__icontains=text) | Q(serial__icontains=text)
            )
    return form, certificates.order_by("-issued_at")


@login_required
def desk(request):
    admin = request.user
    if not is_administrator(admin):
        raise PermissionDenied
    people = administered_people(admin)
    if request.method == "POST":
        return _act(request, admin, people)
    form, certificates = _filtered(admin, request.GET)
    page = Paginator(certificates.select_related("programme"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/desk.html",
        {
            "filter_form": form,
            "page": page,
            "programmes": CertificateProgramme.objects.filter(is_active=True),
            "people": get_user_model()
            .objects.filter(pk__in=people.values("user"))
            .order_by("real_name", "username"),
            "exports": admin.certificate_exports.order_by("-created_at")[:5],
            "query": request.GET.urlencode(),
            "now": timezone.now(),
        },
    )


def _act(request, admin, people):
    action = request.POST.get("action")
    try:
        if action == "revoke":
            certificate = get_object_or_404(
                certificates_administered_by(admin), pk=request.POST.get("certificate")
            )
            certificate_revoke(
                actor=admin, certificate=certificate, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
            )
        elif action == "issue":
            programme = get_object_or_404(CertificateProgramme, pk=request.POST.get("programme"))
            holders = (
                get_user_model()
                .objects.filter(pk__in=request.POST.getlist("people"), memberships__in=people)
                .distinct()
            )
            if not holders:
                raise ValidationError(_("Choose the people to issue the certificate to."))
            issued = [
                certificate_issue_by_admin(
                    actor=admin,
                    holder=holder,
                    programme=programme,
                    reason=request.POST.get("reason", ""),
                )
                for holder in holders
            ]
            count = sum(1 for certificate in issued if certificate is not None)
            messages.success(
                request,
                _("%(count)s certificates issued; %(held)s people already held a valid one.")
                % {"count": count, "held": len(issued) - count},
            )
        elif action == "export":
            _form, certificates = _filtered(admin, request.POST)
            selected = request.POST.getlist("selected")
            if selected:
                certificates = certificates.filter(pk__in=selected)
            export_request(admin=admin, certificates=list(certificates))
            messages.success(request, _("The ZIP file is being prepared; it appears below."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("Nothing to download for this selection."))
    return redirect(f"{request.path}?{request.POST.get('query', '')}")


@login_required
def export_download(request, export_id: int):
    export = get_object_or_404(CertificateExport, pk=export_id, requested_by=request.user)
    if export.state != CertificateExport.State.READY:
        raise Http404
    audit_record(
        action=AuditAction.EXPORT_DOWNLOADED,
        request=request,
        detail={"export": export.pk, "certificates": len(export.certificate_ids)},
    )
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=f"certificates-{export.pk}.zip"
    )
