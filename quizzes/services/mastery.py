"""Mastery per learner and knowledge point, updated from each submitted attempt."""

from django.db import transaction

from quizzes.models import Attempt, Mastery

# Weight of a new answer: 1/(n+1) for the first answers (a plain average), never below this.
RECENCY_WEIGHT = 0.2


def mastery_update_for_attempt(*, attempt_id: int) -> int:
    """Fold the graded answers of an attempt into the learner's mastery; return points touched.

    Runs in a Celery task after submit, never in a request.
    """
    attempt = Attempt.objects.get(pk=attempt_id)
    evidence: dict[int, list[float]] = {}
    for response in attempt.responses.select_related("version").exclude(points=None):
        if not response.answer:
            outcome = 0.0
        else:
            outcome = float(response.points / response.max_points) if response.max_points else 0.0
        for kp_id in response.version.knowledge_point_ids:
            evidence.setdefault(kp_id, []).append(outcome)
    if not evidence:
        return 0
    with transaction.atomic():
        existing = {
            m.knowledge_point_id: m
            for m in Mastery.objects.select_for_update().filter(
                user_id=attempt.user_id, knowledge_point_id__in=list(evidence)
            )
        }
        changed = []
        for kp_id, outcomes in evidence.items():
            row = existing.get(kp_id) or Mastery(user_id=attempt.user_id, knowledge_point_id=kp_id)
            for outcome in outcomes:
                weight = max(1.0 / (row.evidence + 1), RECENCY_WEIGHT)
                row.level += weight * (outcome - row.level)
                row.evidence += 1
            changed.append(row)
        Mastery.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["user", "knowledge_point"],
            update_fields=["level", "evidence", "updated_at"],
        )
    return len(changed)
