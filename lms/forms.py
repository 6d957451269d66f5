from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

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
