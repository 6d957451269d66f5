"""Pages of the institutions tree: roster import for institution and city admins."""

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from institutions.forms import RosterUploadForm
from institutions.models import RosterImport
from institutions.personal_data import mask_login
from institutions.roster.checking import MOBILE, NAMES_NOBODY
from institutions.roster.columns import COLUMNS
from institutions.roster.services import (
    roster_import_apply_request,
    roster_import_create,
    roster_progress,
)
from institutions.roster.template import roster_template
from institutions.selectors import administered_institutions, is_administrator

ACTIONS = {
    "create": gettext_lazy("Add"),
    "update": gettext_lazy("Update"),
    "unchanged": gettext_lazy("Unchanged"),
    "error": gettext_lazy("Error"),
}
CHANGES = {
    "name": gettext_lazy("name"),
    "staff_category": gettext_lazy("staff category"),
    "post": gettext_lazy("post"),
    "hire_date": gettext_lazy("hire date"),
    "supervisor": gettext_lazy("supervisor"),
}
PREVIEW_PAGE = 100
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _require_admin(request):
    if not (is_administrator(request.user) and administered_institutions(request.user).exists()):
        raise PermissionDenied


def _own_import(request, import_id: int) -> RosterImport:
    _require_admin(request)
    return get_object_or_404(RosterImport, pk=import_id, uploaded_by=request.user)


def _masked(error: dict) -> dict:
    """A phone or email in an error names a real person and is masked; one that names nobody
    (malformed, or not found) is shown as typed, so that the admin can correct it."""
    params = error.get("params", {})
    value = params.get("value")
    if error["message"] in NAMES_NOBODY or not isinstance(value, str):
        return params
    if MOBILE.match(value) or EMAIL.match(value):
        return {**params, "value": mask_login(value)}
    return params


def error_lines(roster_import: RosterImport) -> list[dict]:
    """The import's errors in the reader's language, contact details masked."""
    return [
        {
            "row": error["row"],
            "column": error["column"],
            "text": _(error["message"]) % _masked(error),
        }
        for error in roster_import.errors
    ]


def _preview_line(line: dict) -> dict:
    action = str(ACTIONS.get(line["action"], line["action"]))
    if line["action"] == "create":
        action = _("Add new person") if line["new_person"] else _("Add to institution")
    changes = "、".join(str(CHANGES.get(change, change)) for change in line["changes"])
    return {**line, "action_label": action, "changes_label": changes}


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request):
    _require_admin(request)
    form = RosterUploadForm()
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            created = roster_import_create(admin=request.user, upload=form.cleaned_data["file"])
            return redirect("roster-import-detail", import_id=created.pk)
    return render(
        request,
        "institutions/roster_import.html",
        {
            "form": form,
            "columns": COLUMNS,
            "imports": request.user.roster_imports.order_by("-created_at")[:10],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_import_detail(request, import_id: int):
    roster_import = _own_import(request, import_id)
    if request.method == "POST":
        if roster_import_apply_request(admin=request.user, roster_import=roster_import):
            messages.success(request, _("Importing the roster…"))
        else:
            messages.error(request, _("This roster cannot be imported (fix its errors first)."))
        return redirect("roster-import-detail", import_id=roster_import.pk)
    page = Paginator(roster_import.preview, PREVIEW_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/roster_import_detail.html",
        {
            "roster_import": roster_import,
            "progress": roster_progress(roster_import),
            "errors": error_lines(roster_import),
            "page": page,
            "preview": [_preview_line(line) for line in page],
        },
    )


@login_required
@require_GET
def roster_import_progress(request, import_id: int):
    roster_import = _own_import(request, import_id)
    return JsonResponse(
        {
            "state": roster_import.state,
            "state_label": roster_import.get_state_display(),
            "finished": not roster_import.busy,
            **roster_progress(roster_import),
        }
    )


@login_required
@require_GET
def roster_template_download(request):
    _require_admin(request)
    response = HttpResponse(
        roster_template(admin=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = quote("人员名单模板.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''{name}"
    )
    return response
