"""Pages of the hours ledger: a learner's hours and registration period, entering training done
elsewhere, and the institution admin's review of what their people entered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from certificates.forms import ExternalHoursForm, RegistrationForm, ReviewForm
from certificates.hours import current_period
from certificates.models import HoursEntry, HoursState
from certificates.services.hours import (
    external_hours_review,
    external_hours_submit,
    registration_set,
)
from institutions.selectors import administered_people, is_administrator, may_see_records_of
from lms.audit import audit_record
from lms.models import AuditAction


def _apply(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def ledger(request):
    registration_form = RegistrationForm(prefix="reg")
    hours_form = ExternalHoursForm(prefix="ext")
    if request.method == "POST":
        if "reg-level" in request.POST:
            registration_form = RegistrationForm(request.POST, prefix="reg")
            if registration_form.is_valid():
                try:
                    registration_set(user=request.user, **registration_form.cleaned_data)
                    messages.success(request, _("Your registration is saved."))
                    return redirect("hours")
                except ValidationError as error:
                    _apply(registration_form, error)
        else:
            hours_form = ExternalHoursForm(request.POST, request.FILES, prefix="ext")
            if hours_form.is_valid():
                try:
                    external_hours_submit(user=request.user, **hours_form.cleaned_data)
                    messages.success(
                        request, _("Your hours are entered and wait for your institution.")
                    )
                    return redirect("hours")
                except ValidationError as error:
                    _apply(hours_form, error)
    period = current_period(request.user)
    if period is not None and not registration_form.is_bound:
        registration_form = RegistrationForm(
            prefix="reg",
            initial={
                "level": period.registration.level,
                "registered_on": period.registration.registered_on,
            },
        )
    return render(
        request,
        "certificates/hours.html",
        {
            "period": period,
            "entries": HoursEntry.objects.filter(user=request.user).select_related("certificate"),
            "registration_form": registration_form,
            "hours_form": hours_form,
        },
    )


@login_required
def review(request):
    if not is_administrator(request.user):
        raise PermissionDenied
    people = administered_people(request.user)
    if request.method == "POST":
        entry = get_object_or_404(HoursEntry, pk=request.POST.get("entry"))
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                external_hours_review(
                    actor=request.user,
                    entry=entry,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Saved."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("hours-review")
    pending = (
        HoursEntry.objects.filter(
            state=HoursState.PENDING, user__in=people.values("user"), certificate__isnull=True
        )
        .select_related("user")
        .order_by("created_at")
    )
    return render(request, "certificates/hours_review.html", {"pending": pending})


@login_required
def evidence(request, entry_id: int):
    entry = get_object_or_404(HoursEntry.objects.select_related("user"), pk=entry_id)
    if not entry.evidence or not may_see_records_of(request.user, entry.user):
        raise Http404
    if request.user.pk != entry.user_id:
        audit_record(
            action=AuditAction.EVIDENCE_VIEWED,
            request=request,
            subject=entry.user,
            detail={"hours_entry": entry.pk},
        )
    return FileResponse(entry.evidence.open("rb"), as_attachment=True)
