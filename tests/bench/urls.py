from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lms.urls import urlpatterns as qihang_urlpatterns


@csrf_exempt
def bare_update(request, row: int):
    """The stack's limit: a plain Django view that updates one row, no auth, no serializers."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_counter SET hits = hits + 1 WHERE id = %s", [row])
    return HttpResponse(b'{"ok": true}', content_type="application/json")


urlpatterns = [path("bench/bare/<int:row>/", bare_update), *qihang_urlpatterns]
