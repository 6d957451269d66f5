"""Reporting listens to every app below it: a new member gets their assignments, and a finished
course, an issued certificate or an approved qualification completes the assignments it
satisfies. The work runs after the event's transaction commits."""

from django.dispatch import receiver

from certificates.signals import certificate_issued
from courses.signals import course_completed
from institutions.signals import membership_saved
from lms.queueing import enqueue


def _queue(task, user_id: int) -> None:
    enqueue(task, user_id=user_id)


@receiver(membership_saved)
def on_membership_saved(sender, membership, **kwargs):
    from .tasks import generate_assignments

    _queue(generate_assignments, membership.user_id)


@receiver(course_completed)
def on_course_completed(sender, user, **kwargs):
    from .tasks import complete_assignments

    _queue(complete_assignments, user.pk)


@receiver(certificate_issued)
def on_certificate_issued(sender, certificate, **kwargs):
    from .tasks import complete_assignments

    _queue(complete_assignments, certificate.holder_id)
