"""Nothing works for a signed-in person who still owes the second sign-in step.

Owing a code: every page (the Wagtail admin's too) sends them to the code page. A city admin
without an authenticator: every page sends them to set one up. The API refuses them with 403.
Only signing out, switching the language and the step's own page stay open.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lms import two_factor

STEP_PAGES = {two_factor.VERIFY: "two-factor-verify", two_factor.ENROLL: "two-factor-setup"}
OPEN_PAGES = ("logout", "set-language")


class SecondStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = self._step(request)
        if step == two_factor.DONE:
            return self.get_response(request)
        if self._is_open(request.path, step):
            request.second_step_owed = True  # the page's menu offers nothing but signing out
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Finish two-factor sign-in on the website first.")}, status=403
            )
        target = reverse(STEP_PAGES[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

    @staticmethod
    def _step(request) -> str:
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return two_factor.DONE  # not signed in: nothing to owe
        step = session.get(two_factor.STEP_SESSION_KEY)
        if step == two_factor.DONE:
            return step
        if step is None:  # a session from before two-factor sign-in existed
            step = two_factor.step_owed(request.user)
        if step == two_factor.VERIFY and request.user.is_verified():
            step = two_factor.DONE
        session[two_factor.STEP_SESSION_KEY] = step
        return step

    @staticmethod
    def _is_open(path: str, step: str) -> bool:
        if path.startswith(settings.STATIC_URL) or path == reverse(STEP_PAGES[step]):
            return True
        return path in {reverse(name) for name in OPEN_PAGES}
