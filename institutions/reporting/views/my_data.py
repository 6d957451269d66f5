"""A person's own data: download all of it (JSON or XLSX), or delete the account."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lms.audit import audit_record
from lms.models import AuditAction

from ..forms import AccountDeleteForm
from ..services.anonymisation import person_anonymise
from ..services.personal_data import personal_data_json, personal_data_xlsx

FORMATS = {
    "json": (personal_data_json, "application/json; charset=utf-8"),
    "xlsx": (
        personal_data_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@never_cache
@login_required
def my_data(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    build, content_type = FORMATS[fmt]
    audit_record(
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        request=request,
        subject=request.user,
        detail={"format": fmt},
    )
    response = HttpResponse(build(request.user), content_type=content_type)
    filename = f"qihang-my-data-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = request.user
        audit_record(action=AuditAction.DELETION_REQUESTED, request=request, subject=person)
        person_anonymise(person=person, actor=person, request=request)
        logout(request)
        return render(request, "reporting/account_deleted.html")
    return render(request, "reporting/account_delete.html", {"form": form})
