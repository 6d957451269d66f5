"""Certificate pages: the public verification page, the signed credential and status lists,
and the PDF (for its holder and the holder's institution admins only)."""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from certificates.models import Certificate, CertificateTemplate, SigningKey
from certificates.selectors import certificates_of, mask_name
from certificates.services.credentials import status_list
from certificates.services.issuance import certificate_documents_ensure
from certificates.services.rendering import template_preview_pdf
from certificates.services.transcript import transcript_pdf
from institutions.selectors import administers, may_see_records_of
from lms.audit import audit_record
from lms.models import AuditAction
from lms.ratelimits import address_key, per_address


@never_cache
@ratelimit(key=address_key, rate=per_address("CERTIFICATE_VERIFY_RATE"), block=False)
def verify(request, code: str):
    """Public: what a certificate says and whether it stands. An unknown code is a plain 404
    page that looks the same whatever was asked."""
    if getattr(request, "limited", False):
        return render(request, "certificates/verify.html", {"limited": True}, status=429)
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return render(request, "certificates/verify.html", {"missing": True}, status=404)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "state": certificate.state(),
            "masked_name": mask_name(certificate.holder_name),
        },
    )


def _viewable(request, code: str) -> Certificate:
    certificate = get_object_or_404(Certificate.objects.select_related("holder"), code=code)
    if not may_see_records_of(request.user, certificate.holder):
        raise Http404
    return certificate


@login_required
def pdf(request, code: str):
    certificate = certificate_documents_ensure(_viewable(request, code))
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


def credential(request, code: str):
    """The Open Badges 3.0 credential, as signed at issue (revocation shows in the status
    list it points at, never by changing the credential)."""
    certificate = get_object_or_404(Certificate, code=code)
    certificate = certificate_documents_ensure(certificate, pdf=False)
    return HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )


@never_cache
def status(request, key_id: int, block: int):
    key = get_object_or_404(SigningKey, pk=key_id)
    return HttpResponse(status_list(key, block), content_type="application/vc+jwt")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def transcript(request):
    return _pdf_response(transcript_pdf(request.user), "transcript.pdf")


@login_required
def transcript_of(request, user_id: int):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not administers(request.user, person):
        raise Http404
    audit_record(
        action=AuditAction.PERSON_RECORD_VIEWED,
        request=request,
        subject=person,
        detail={"record": "transcript"},
    )
    return _pdf_response(transcript_pdf(person), f"transcript-{person.pk}.pdf")


@permission_required("certificates.change_certificatetemplate", raise_exception=True)
def template_preview(request, template_id: int):
    template = get_object_or_404(CertificateTemplate, pk=template_id)
    response = HttpResponse(template_preview_pdf(template), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


@login_required
def mine(request):
    return render(
        request, "certificates/mine.html", {"certificates": certificates_of(request.user)}
    )
