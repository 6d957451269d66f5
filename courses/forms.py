from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import LearnerProfile


class StudyGoalForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = ("target_level", "exam_date")
        widgets = {"exam_date": forms.DateInput(attrs={"type": "date"})}
        labels = {"target_level": _("Target exam level"), "exam_date": _("Exam date")}
