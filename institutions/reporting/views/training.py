"""A learner's required training and the qualifications they recorded; an admin's review of
qualifications recorded by their people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.selectors import (
    administered_institutions,
    administered_people,
    is_administrator,
    may_see_records_of,
)
from lms.audit import audit_record
from lms.models import AuditAction

from ..forms import QualificationForm, ReviewForm
from ..models import Assignment, ExternalQualification, QualificationState
from ..services.qualifications import (
    open_assignments_for,
    qualification_review,
    qualification_submit,
)
from ..services.requirements import assignments_of


@login_required
def my_training(request):
    form = QualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            qualification_submit(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Recorded. Your institution admin will review it."))
            return redirect("my-training")
    return render(
        request,
        "reporting/my_training.html",
        {
            "assignments": assignments_of(request.user),
            "qualifications": ExternalQualification.objects.filter(user=request.user),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@login_required
def qualification_evidence(request, qualification_id: int):
    qualification = get_object_or_404(ExternalQualification, pk=qualification_id)
    if not may_see_records_of(request.user, qualification.user):
        raise Http404
    if request.user.pk != qualification.user_id:
        audit_record(
            action=AuditAction.EVIDENCE_VIEWED,
            request=request,
            subject=qualification.user,
            detail={"qualification": qualification.pk},
        )
    return FileResponse(qualification.evidence.open("rb"), as_attachment=True)


def _reviewable(user):
    if not is_administrator(user):
        raise Http404
    return ExternalQualification.objects.filter(
        user__in=administered_people(user).values("user")
    ).exclude(user=user)


@login_required
def qualification_reviews(request):
    pending = _reviewable(request.user).filter(state=QualificationState.PENDING)
    pending = list(pending.select_related("user")[:100])
    open_by_person: dict[int, list] = {}
    for assignment in Assignment.objects.filter(
        user__in=[qualification.user_id for qualification in pending],
        completed_at__isnull=True,
        requirement__institution__in=administered_institutions(request.user),
    ).select_related("requirement"):
        open_by_person.setdefault(assignment.user_id, []).append(assignment)
    items = [
        (
            qualification,
            ReviewForm(
                prefix=f"q{qualification.pk}",
                assignments=open_by_person.get(qualification.user_id, []),
            ),
        )
        for qualification in pending
    ]
    reviewed = _reviewable(request.user).exclude(state=QualificationState.PENDING)[:30]
    return render(
        request,
        "reporting/qualification_reviews.html",
        {"items": items, "reviewed": reviewed.select_related("user", "reviewed_by")},
    )


@login_required
def qualification_decide(request, qualification_id: int):
    if request.method != "POST":
        raise Http404
    qualification = get_object_or_404(_reviewable(request.user), pk=qualification_id)
    open_assignments = open_assignments_for(request.user, qualification.user)
    form = ReviewForm(request.POST, prefix=f"q{qualification.pk}", assignments=open_assignments)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("qualification-reviews")
    try:
        qualification_review(
            actor=request.user,
            qualification=qualification,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            counts_for=form.cleaned_data["counts_for"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review saved."))
    return redirect("qualification-reviews")
