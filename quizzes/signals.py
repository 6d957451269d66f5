"""What quizzes announce to apps further down (certificates)."""

from django.dispatch import Signal

# Sent after an attempt is submitted and graded: sender=Attempt, attempt.
attempt_submitted = Signal()

# Sent when a graded attempt passes its pass mark (at submit, or when the last human mark makes
# the score final): sender=Attempt, attempt. A module assessment has completed its module first.
assessment_passed = Signal()
