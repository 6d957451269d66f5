from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import services
from lms.forms import RegistrationForm
from lms.middleware import SUPPORTED
from lms.models import Notice
from lms.notices import notices_mark_read


def register(request):
    if request.user.is_authenticated:
        return redirect("my-learning")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_register(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            real_name=form.cleaned_data["real_name"],
            email=form.cleaned_data["email"],
            preferred_language=translation.get_language() or "",
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to Qihang. Choose a course to start."))
        return redirect("/courses/")
    return render(request, "registration/register.html", {"form": form})


@require_POST
def set_language(request):
    """Switch the interface language: remembered on the account and in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in SUPPORTED:
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response


@login_required
def notices(request):
    """The signed-in person's notices, newest first; opening the page marks them read."""
    shown = list(Notice.objects.filter(user=request.user)[:100])
    notices_mark_read(user=request.user)
    return render(request, "lms/notices.html", {"notices": shown})
