"""Quizzes listening to itself: item statistics follow submitted attempts, in the background."""

from django.dispatch import receiver

from quizzes.signals import attempt_submitted


@receiver(attempt_submitted, dispatch_uid="quizzes.item_statistics")
def schedule_item_statistics(sender, attempt, **kwargs):
    from quizzes.services.item_statistics import quiz_statistics_schedule

    quiz_statistics_schedule(quiz_id=attempt.quiz_id)
