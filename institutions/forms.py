from django import forms
from django.utils.translation import gettext_lazy as _

from lms.uploads import check_roster


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_roster(upload)
        return upload
