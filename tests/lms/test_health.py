import pytest

from lms import health


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_a_failing_dependency_gives_503(client, settings, monkeypatch):
    from lms.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405


def test_every_check_is_reported():
    assert set(health.CHECKS) == {"database", "cache", "broker"}


@pytest.mark.django_db
def test_the_broker_check_counts_the_tasks_still_deferred(
    client, settings, broker, live_broker_url
):
    from lms.models import DeferredTask

    settings.CELERY_TASK_ALWAYS_EAGER = False
    broker(live_broker_url)
    DeferredTask.objects.create(name="lms.tasks.send_deferred_tasks")
    check = client.get("/healthz").json()["checks"]["broker"]
    assert (check["ok"], check["mode"], check["deferred"]) == (True, "broker", 1)
