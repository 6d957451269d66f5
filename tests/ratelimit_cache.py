"""A fresh local-memory cache for each rate-limit test: no count carries over between tests."""

import uuid

import pytest


@pytest.fixture
def fresh_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ratelimit-test-{uuid.uuid4()}",
        }
    }
