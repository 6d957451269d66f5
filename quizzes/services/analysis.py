"""What follows a submitted attempt, off the request: mastery and the wrong-answer notebook."""

from django.db import transaction
from django.utils import timezone

from quizzes.models import Attempt, AttemptState
from quizzes.services.mastery import mastery_update_for_attempt
from quizzes.services.review import notebook_update_for_attempt


@transaction.atomic
def attempt_analyse(*, attempt_id: int) -> bool:
    """Fold a submitted attempt into mastery and the notebook, exactly once.

    The attempt is marked in the same transaction, so a retried or repeated task changes
    nothing twice; a failure rolls the mark back with the rest.
    """
    claimed = Attempt.objects.filter(
        pk=attempt_id, state=AttemptState.SUBMITTED, analysed_at=None
    ).update(analysed_at=timezone.now())
    if not claimed:
        return False
    mastery_update_for_attempt(attempt_id=attempt_id)
    notebook_update_for_attempt(attempt_id=attempt_id)
    return True
