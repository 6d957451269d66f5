import unicodedata

from axes.utils import reset as axes_reset
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm, UserCreationForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from lms.mail import email_enqueue

User = get_user_model()


class RegistrationForm(UserCreationForm):
    real_name = forms.CharField(label=_("Real name"), max_length=64)
    email = forms.EmailField(label=_("Email"), required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "real_name", "email")


class UserProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("real_name", "phone", "email", "preferred_language")


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes out through the Celery worker, not the request.

    People an institution imported have no password until they follow their invitation; if it
    expired, "forgot password" sends them a fresh link (Django's own form would skip them)."""

    def get_users(self, email):
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if _email_matches(user, email))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(subject=subject, body=body, to=[to_email])


class UnlockingSetPasswordForm(SetPasswordForm):
    """The new password from a reset link; it also ends a lockout after wrong passwords."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        axes_reset(username=user.get_username())
        return user


def _email_matches(user, email: str) -> bool:
    def folded(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    return folded(email) == folded(getattr(user, user.get_email_field_name()) or "")
