"""Qihang's URLs plus one view that fails, for the error-reporting tests."""

from django.urls import path

from lms.urls import urlpatterns as qihang_urlpatterns


class ReportedFailure(RuntimeError):
    pass


def failing_view(request):
    user = request.user  # loaded, so that a careless report could include it
    raise ReportedFailure(f"failed for user {user.pk}")


urlpatterns = [path("test-failure/", failing_view), *qihang_urlpatterns]
