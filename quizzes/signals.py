"""What quizzes announce to apps further down (certificates)."""

from django.dispatch import Signal

# Sent after an attempt is submitted and graded: sender=Attempt, attempt.
attempt_submitted = Signal()
