from django import forms
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from lms import two_factor


class CodeForm(forms.Form):
    """One code, checked by ``check(code)`` (which returns a device or None); too many wrong
    codes in a row and the person waits before the next is checked."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six-digit code your authenticator app shows now, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, user, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.check = user, check
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"]
        until = two_factor.throttled_until(self.user)
        if until is not None:
            raise forms.ValidationError(
                _("Too many wrong codes. Try again after %(time)s."),
                code="throttled",
                params={"time": time_format(timezone.localtime(until), "H:i:s")},
            )
        self.device = self.check(code)
        if self.device is None:
            raise forms.ValidationError(
                _("That code is not right. Check that your phone's clock is correct."),
                code="wrong_code",
            )
        return code
