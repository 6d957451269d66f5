"""The service worker that lets an open attempt page survive a reload without a connection."""

import json

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

# attempt_page marks the pages the worker may keep with this header; nothing else is kept.
KEEP_HEADER = "X-Qihang-Offline"


@require_GET
def service_worker(request):
    """The worker's script. Served from /attempts/ so that its scope is the attempt pages only;
    no Service-Worker-Allowed header, so it cannot claim more. Never cached: a fixed worker
    reaches every browser at its next visit."""
    response = render(
        request,
        "quizzes/sw.js",
        {"static_url_json": json.dumps(settings.STATIC_URL), "keep_header": KEEP_HEADER},
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def mark_keepable(response):
    """Let the worker keep this page (an attempt in progress, shown to its owner) for offline."""
    response[KEEP_HEADER] = "keep"
    return response
