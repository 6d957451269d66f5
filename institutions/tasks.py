"""Celery tasks of the institutions tree. Thin: they call services."""

from celery import shared_task


@shared_task
def check_roster(import_id: int) -> str:
    from institutions.roster.services import roster_import_check

    return roster_import_check(import_id=import_id).state


@shared_task
def apply_roster(import_id: int) -> str:
    from institutions.roster.services import roster_import_apply

    return roster_import_apply(import_id=import_id).state
