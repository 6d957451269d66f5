"""The institution dashboard, the learner list behind it, and a supervisor's team."""

import pandas as pd
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, StaffCategory
from institutions.selectors import is_city_admin

from ..figures import figures, period_of
from ..presentation import institution_labels, people_table, records
from ..selectors import dashboard_roots, default_unit, supervisees, unit_for
from ..statistics import person_facts

STATUSES = [
    ("", _("Everyone")),
    ("overdue", _("Overdue on required training")),
    ("open", _("Required training open")),
    ("done", _("All required training done")),
    ("none", _("Nothing required")),
]


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def _unit(request) -> Institution:
    if "unit" in request.GET:
        return unit_for(request.user, request.GET["unit"])
    return default_unit(request.user)


@login_required
def dashboard(request):
    unit = _unit(request)
    period = period_of(request)
    shown = figures(unit, period)
    league = None
    if is_city_admin(request.user):
        league = Paginator(shown["ranked"], 50).get_page(request.GET.get("league_page"))
    roots = dashboard_roots(request.user)
    trail = [
        institution
        for institution in unit.get_ancestors()
        if any(institution.path.startswith(root.path) for root in roots)
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            **shown,
            "unit": unit,
            "trail": trail,
            "roots": roots,
            "period": period,
            "year": period.final_year,
            "years": _years(),
            "league": league,
        },
    )


class PeopleFilter(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    within = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Unit"))
    category = forms.ChoiceField(
        choices=[("", _("Every category")), *StaffCategory.choices],
        required=False,
        label=_("Staff category"),
    )
    status = forms.ChoiceField(choices=STATUSES, required=False, label=_("Required training"))
    q = forms.CharField(required=False, label=_("Name"))

    def __init__(self, *args, units: list[Institution], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", _("All units"))] + [
            (institution.pk, "　" * (institution.depth - units[0].depth) + str(institution))
            for institution in units
        ]


def filter_people(table, data: dict):
    if data.get("within"):
        table = table[
            table.within_ids.map(lambda ids: isinstance(ids, set) and data["within"] in ids)
        ]
    if data.get("category"):
        table = table[table.staff_category == data["category"]]
    status = data.get("status")
    if status == "overdue":
        table = table[table.assignments_overdue > 0]
    elif status == "open":
        table = table[
            (table.assignments > table.assignments_completed) & (table.assignments_overdue == 0)
        ]
    elif status == "done":
        table = table[(table.assignments > 0) & (table.assignments == table.assignments_completed)]
    elif status == "none":
        table = table[table.assignments == 0]
    if data.get("q"):
        table = table[table.name.str.contains(data["q"].strip(), regex=False)]
    return table


def _units_of_people(memberships, units: list[Institution]):
    """Per person, every unit of ``units`` one of their memberships lies in or below."""
    by_path = {institution.path: institution.pk for institution in units}
    step = Institution.steplen
    within: dict[int, set[int]] = {}
    for user_id, path in memberships.values_list("user_id", "institution__path"):
        prefixes = (path[:end] for end in range(step, len(path) + 1, step))
        within.setdefault(user_id, set()).update(
            by_path[prefix] for prefix in prefixes if prefix in by_path
        )
    return pd.Series(within, dtype="object")


def _people_page(request, memberships, units: list[Institution], template_context: dict):
    period = period_of(request)
    people = person_facts(memberships, period, min(timezone.now(), period.bounds()[1]))
    table = people_table(people, institution_labels(units))
    table["within_ids"] = _units_of_people(memberships, units).reindex(table.index)
    form = PeopleFilter(request.GET or None, units=units)
    if form.is_bound and form.is_valid():
        table = filter_people(table, form.cleaned_data)
    rows = records(table.drop(columns=["within_ids"]), index="user_id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/people.html",
        {
            **template_context,
            "form": form,
            "page": page,
            "count": len(rows),
            "query": query.urlencode(),
            "year": period.final_year,
        },
    )


@login_required
def people(request):
    unit = _unit(request)
    units = list(Institution.objects.filter(path__startswith=unit.path).order_by("path"))
    memberships = unit.memberships.model.objects.filter(institution__in=units)
    return _people_page(request, memberships, units, {"unit": unit, "team": False})


@login_required
def team(request):
    memberships = supervisees(request.user)
    if not memberships.exists():
        raise Http404
    units = list(
        Institution.objects.filter(memberships__in=memberships).distinct().order_by("path")
    )
    return _people_page(request, memberships, units, {"unit": None, "team": True})
