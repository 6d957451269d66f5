"""Training requirements of an admin's institutions: list, create, change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.selectors import administered_institutions, is_administrator

from ..forms import RequirementForm
from ..models import TrainingRequirement
from ..services.requirements import requirement_save


def _own(user):
    if not is_administrator(user):
        raise Http404
    return TrainingRequirement.objects.filter(institution__in=administered_institutions(user))


@login_required
def requirement_list(request):
    today = timezone.localdate()
    requirements = (
        _own(request.user)
        .select_related("institution", "course", "programme")
        .annotate(
            assigned=Count("assignments"),
            done=Count("assignments", filter=Q(assignments__completed_at__isnull=False)),
            overdue=Count(
                "assignments",
                filter=Q(assignments__completed_at__isnull=True, assignments__due_on__lt=today),
            ),
        )
    )
    return render(request, "reporting/requirements.html", {"requirements": requirements})


@login_required
def requirement_edit(request, requirement_id: int | None = None):
    requirement = (
        get_object_or_404(_own(request.user), pk=requirement_id)
        if requirement_id
        else TrainingRequirement()
    )
    if requirement_id is None:
        _own(request.user)  # 404 for anyone who administers nothing
    form = RequirementForm(
        request.POST or None,
        instance=requirement,
        institutions=administered_institutions(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            requirement_save(actor=request.user, requirement=form.save(commit=False))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request, _("Saved. Assignments are being made for everyone it applies to.")
            )
            return redirect("requirement-list")
    return render(
        request, "reporting/requirement_form.html", {"form": form, "requirement": requirement}
    )
