"""Broker down: a submit still succeeds, and its follow-up task waits in the database."""

import pytest

from lms import queueing
from lms.models import DeferredTask
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db(transaction=True)  # the task is queued on a real commit


def test_submit_succeeds_and_its_task_is_kept_until_the_broker_is_back(
    api, candidate, mock_exam, broker, down_redis_url, live_broker_url
):
    api.force_authenticate(candidate)
    data = api.post(f"/api/v1/quizzes/{mock_exam.pk}/attempts/").json()
    broker(down_redis_url)
    submitted = api.post(f"/api/v1/attempts/{data['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert Attempt.objects.get(pk=data["id"]).state == "submitted"
    kept = {row.name: row.args for row in DeferredTask.objects.all()}
    assert kept["quizzes.tasks.after_submit"] == [data["id"]]  # and maybe item statistics
    broker(live_broker_url)
    assert queueing.deferred_tasks_send() == len(kept)
    assert not DeferredTask.objects.exists()
