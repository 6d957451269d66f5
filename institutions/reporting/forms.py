from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateProgramme
from courses.models import CoursePage
from institutions.models import StaffCategory

from .models import QualificationKind, TrainingRequirement


class RequirementForm(forms.ModelForm):
    staff_categories = forms.MultipleChoiceField(
        choices=StaffCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Staff categories (none ticked: everyone)"),
    )
    qualification_kinds = forms.MultipleChoiceField(
        choices=QualificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Qualifications that count"),
    )

    class Meta:
        model = TrainingRequirement
        fields = [
            "name",
            "institution",
            "staff_categories",
            "hired_after",
            "target",
            "course",
            "programme",
            "qualification_kinds",
            "due_rule",
            "due_date",
            "due_months",
            "active",
        ]
        widgets = {
            "hired_after": forms.DateInput(attrs={"type": "date"}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions.order_by("path")
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["programme"].queryset = CertificateProgramme.objects.filter(is_active=True)


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(choices=QualificationKind.choices, label=_("Qualification"))
    title = forms.CharField(max_length=200, label=_("Title on the certificate"))
    number = forms.CharField(max_length=64, required=False, label=_("Certificate number"))
    issuer = forms.CharField(max_length=200, label=_("Issued by"))
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Scan or photo of the certificate (PDF, JPEG or PNG, up to 5 MB)")
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
    )
    note = forms.CharField(max_length=300, required=False, label=_("Note (required to reject)"))
    counts_for = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Also counts for these open assignments"),
    )

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counts_for"].choices = [
            (assignment.pk, f"{assignment.requirement.name} ({assignment.due_on:%Y-%m-%d})")
            for assignment in assignments
        ]


class AccountDeleteForm(forms.Form):
    """Deleting one's own account: the password again, so that a borrowed session cannot."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."))
        return password
