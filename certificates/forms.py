from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import RegistrationLevel


class RegistrationForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=RegistrationLevel.choices)
    registered_on = forms.DateField(
        label=_("First registered on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ExternalHoursForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1)
    earned_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG, up to 5 MB)"), allow_empty_file=False
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
