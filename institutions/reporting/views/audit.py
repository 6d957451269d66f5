"""The personal-data audit log, for city admins: newest first, filtered, one page at a time."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from institutions.selectors import is_city_admin
from lms.models import AuditAction, AuditEvent

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    action = forms.ChoiceField(
        choices=[("", _("Every action")), *AuditAction.choices], required=False, label=_("Action")
    )
    actor = forms.CharField(required=False, label=_("By"), max_length=150)
    person = forms.CharField(required=False, label=_("Person"), max_length=150)
    start = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _matching(text: str, field: str) -> Q:
    """An actor or person: their name or username now, or as recorded in the event."""
    return (
        Q(**{f"{field}_label__icontains": text})
        | Q(**{f"{field}__username__iexact": text})
        | Q(**{f"{field}__real_name__icontains": text})
    )


def filtered_events(data: dict):
    events = AuditEvent.objects.select_related("institution")
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("actor"):
        events = events.filter(_matching(data["actor"].strip(), "actor"))
    if data.get("person"):
        events = events.filter(_matching(data["person"].strip(), "subject"))
    if data.get("start"):
        events = events.filter(created_at__date__gte=data["start"])
    if data.get("end"):
        events = events.filter(created_at__date__lte=data["end"])
    return events.order_by("-created_at", "-pk")


@login_required
def audit_log(request):
    if not is_city_admin(request.user):
        raise PermissionDenied
    form = AuditFilter(request.GET or None)
    if not form.is_bound:
        events = filtered_events({})
    elif form.is_valid():
        events = filtered_events(form.cleaned_data)
    else:
        events = AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
