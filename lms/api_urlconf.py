"""The public API under ``/api/v1/``; the OpenAPI schema is generated from this alone."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("lms.api"))]
