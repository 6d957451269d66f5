"""The question editor's form: options and sub-questions are checked together with the type."""

from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.permissions import banks_for
from quizzes.services.questions import question_content_errors


class QuestionForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "bank" in self.fields:
            self.fields["bank"].queryset = banks_for(for_user)

    def _live_rows(self, name):
        formset = self.formsets.get(name)
        if formset is None:
            return []
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        cleaned = super().clean()
        if not all(formset.is_valid() for formset in self.formsets.values()):
            return cleaned
        options = [
            {"text": row.get("text", ""), "correct": bool(row.get("is_correct"))}
            for row in self._live_rows("options")
        ]
        parts = [{"points": row.get("points") or 0} for row in self._live_rows("parts")]
        if cleaned.get("type"):
            for message in question_content_errors(
                question_type=cleaned["type"], options=options, parts=parts
            ):
                self.add_error(None, message)
        return cleaned
