"""After a load run: does the database hold what the candidates were told was saved?

An answer counts as *acknowledged* when the server answered 200 to at least one save of it; the
last acknowledged save of each question is what the candidate was promised. It is *stored* when
the database holds that save or a later one this candidate sent (a save can reach the database
while its acknowledgement is lost on the way back). Anything else is *lost*.
"""

from django.db.models import Count, Q
from django.utils import timezone

from certificates.models import Certificate
from quizzes.models import Attempt, AttemptState, Response


def load_audit(ledger: dict) -> dict:
    candidates = [c for c in ledger["candidates"] if c["attempt"]]
    stored_by_attempt: dict[int, dict[int, tuple[int, object]]] = {}
    for attempt_id, position, seq, answer in Response.objects.filter(
        attempt_id__in=[c["attempt"] for c in candidates]
    ).values_list("attempt_id", "position", "seq", "answer"):
        stored_by_attempt.setdefault(attempt_id, {})[position] = (seq, answer)

    acknowledged = stored = acknowledged_saves = 0
    lost = []
    for candidate in candidates:
        stored_answers = stored_by_attempt.get(candidate["attempt"], {})
        for position, acked_seq in candidate["acked"].items():
            acknowledged += 1
            sent = candidate["sent"][position]
            acknowledged_saves += sum(1 for seq in sent if int(seq) <= acked_seq)
            seq, answer = stored_answers.get(int(position), (0, None))
            if seq >= acked_seq and _same(answer, sent.get(str(seq))):
                stored += 1
            else:
                lost.append(
                    {"attempt": candidate["attempt"], "position": int(position), "acked": acked_seq}
                )

    submitted_ids = [c["attempt"] for c in candidates if c["submitted"]]
    attempts = Attempt.objects.filter(pk__in=[c["attempt"] for c in candidates])
    ungraded = attempts.filter(pk__in=submitted_ids).exclude(
        state=AttemptState.SUBMITTED, score__isnull=False
    )
    now = timezone.now()
    return {
        "candidates": len(ledger["candidates"]),
        "attempts_started": len(candidates),
        "acknowledged_answers": acknowledged,
        "acknowledged_saves": acknowledged_saves,
        "stored_answers": stored,
        "lost_answers": len(lost),
        "lost": lost[:20],
        "submitted_attempts": len(submitted_ids),
        "ungraded_submitted_attempts": ungraded.count(),
        "open_past_deadline": Attempt.objects.filter(
            state=AttemptState.IN_PROGRESS, deadline__lt=now
        ).count(),
        "client_retries": sum(c["retries"] for c in ledger["candidates"]),
        "duplicate_certificates": duplicate_certificates(),
    }


def duplicate_certificates() -> int:
    """Holders with more than one current certificate of the same programme."""
    return (
        Certificate.objects.filter(current=True)
        .values("holder_id", "programme_id")
        .annotate(n=Count("id"))
        .filter(Q(n__gt=1))
        .count()
    )


def _same(stored, sent) -> bool:
    if stored is None or sent is None:
        return False
    return sorted(map(str, stored)) == sorted(map(str, sent))
