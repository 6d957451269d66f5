from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Choose the language of a request.

    Precedence: ``?lang=`` on the request, then the signed-in user's preferred language, then
    what ``LocaleMiddleware`` found (language cookie, ``Accept-Language``), then zh-hans.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.GET.get("lang")
        if language not in SUPPORTED:
            user = getattr(request, "user", None)
            language = getattr(user, "preferred_language", "") if user else ""
        if language in SUPPORTED and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
