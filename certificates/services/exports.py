"""ZIP files of certificate PDFs for institution admins, built off the request."""

import io
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from certificates.models import Certificate, CertificateExport
from certificates.services.issuance import certificate_documents_ensure
from institutions.selectors import administered_people
from lms.personal_data import mask_login
from lms.queueing import enqueue


def certificates_administered_by(admin):
    """Certificates of the people ``admin`` administers (their own subtree only)."""
    return Certificate.objects.filter(holder__in=administered_people(admin).values("user"))


def export_request(*, admin, certificates) -> CertificateExport:
    """Queue a ZIP of the given certificates (all must be of the admin's own people)."""
    ids = sorted({certificate.pk for certificate in certificates})
    allowed = set(
        certificates_administered_by(admin).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not ids or allowed != set(ids):
        raise PermissionDenied
    export = CertificateExport.objects.create(requested_by=admin, certificate_ids=ids)
    from certificates.tasks import build_export

    enqueue(build_export, export.pk)
    return export


def export_build(export_id: int) -> CertificateExport:
    export = CertificateExport.objects.get(pk=export_id)
    if export.state == CertificateExport.State.READY:
        return export
    try:
        content = _zip_of(export.certificate_ids)
    except Exception:
        export.state = CertificateExport.State.FAILED
        export.save(update_fields=["state"])
        raise  # the task retries
    export.file.save(f"certificates-{export.pk}.zip", ContentFile(content), save=False)
    export.state = CertificateExport.State.READY
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "state", "finished_at"])
    return export


def _zip_of(certificate_ids) -> bytes:
    buffer = io.BytesIO()
    certificates = Certificate.objects.filter(pk__in=certificate_ids).select_related(
        "programme__template", "signing_key"
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates.order_by("serial"):
            certificate = certificate_documents_ensure(certificate)
            with certificate.pdf.open("rb") as pdf:
                name = mask_login(certificate.holder_name)
                archive.writestr(f"{certificate.serial}-{name}.pdf", pdf.read())
    return buffer.getvalue()
