"""``python manage.py anonymise_person USERNAME --reason TEXT [--yes]``: a deletion asked for in
writing, carried out by an operator (as the person would from their profile). Audited."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from institutions.reporting.services.anonymisation import person_anonymise


class Command(BaseCommand):
    help = "Anonymise one person's account at once (cannot be undone)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit log")
        parser.add_argument("--yes", action="store_true", help="do not ask to confirm")

    def handle(self, *args, username, reason, yes=False, **options):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No account with the username {username!r}; nothing changed.")
        if not yes:
            answer = input(f"Anonymise {username} ({person.pk}) for good? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Not confirmed; nothing changed.")
        person_anonymise(person=person, actor=None, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Anonymised: now deleted-{person.pk}."))
