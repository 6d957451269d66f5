import logging
import time

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils import translation
from django.utils.functional import empty

from lms import request_id

SUPPORTED = {code for code, _name in settings.LANGUAGES}

request_logger = logging.getLogger("lms.request")
# Load balancers probe this every few seconds; its lines are kept at DEBUG.
QUIET_PATHS = frozenset({"/healthz"})


class RequestLogMiddleware:
    """First in the stack: gives each request its id and writes one log line when it is answered.

    The id is the proxy's ``X-Request-ID`` when it looks sane (``lms.request_id.is_sane``), else a
    new one; every log line written while the request is served carries it (Django's own warning
    about a 4xx or 5xx response included, written after the middleware: the id is unbound only
    when the response is closed), tasks queued then take it to the worker, and the response
    returns it in ``X-Request-ID``. The log line has the
    method, the path (never the query string, which may hold personal data), the status, the
    time taken and the user's id when authentication has loaded the user already — it costs no
    database query, as the answer-save path has none to spare (a token-authenticated save logs no
    user id; its token is checked inside the save's own statement).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        rid = request_id.accept(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = rid
        request_id.bind(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        if request_logger.isEnabledFor(level):
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            request_logger.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _loaded_user_id(request),
                },
            )
        return response


@receiver(request_finished, dispatch_uid="lms.middleware.unbind_request_id")
def _unbind_request_id(**kwargs) -> None:
    """The response is closed: nothing logged from now on belongs to the request."""
    request_id.bind(None)


def _loaded_user_id(request) -> int | None:
    """The signed-in user's id if something already loaded the user, without loading it."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


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
