"""python manage.py import_questions FILE [--format …] [--bank NAME] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.formats.base import MAX_FILE_BYTES
from quizzes.formats.registry import FORMAT_NAMES
from quizzes.models import QuestionBank
from quizzes.services.imports import questions_import

DEFAULT_BANK = "导入题库"


class Command(BaseCommand):
    help = "Import questions from an XLSX, GIFT, Aiken, Moodle XML or QTI file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMAT_NAMES, help="default: from the file name")
        parser.add_argument("--bank", default=DEFAULT_BANK, help="the bank's name (created if new)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report; write nothing"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        dry_run = options["dry_run"]
        bank = QuestionBank.objects.filter(name=options["bank"]).first()
        with transaction.atomic():
            if bank is None:
                bank = QuestionBank(name=options["bank"])
                if not dry_run:
                    bank.save()
            report = questions_import(
                data=data,
                filename=path.name,
                fmt=options["format"],
                bank=bank,
                actor=None,
                dry_run=dry_run,
            )
            if not report.ok:
                transaction.set_rollback(True)
        verbose = options["verbosity"] > 1 or dry_run
        for line in report.lines if verbose else []:
            self.stdout.write(f"{line.line}\t{line.action}\t{line.type}\t{line.ref}\t{line.stem}")
        for problem in report.skipped:
            self.stdout.write(f"skipped: {report.describe(problem)}")
        for problem in report.errors:
            self.stderr.write(f"error: {report.describe(problem)}")
        counts = report.counts
        summary = (
            f"{path.name} ({report.format or '?'}): {counts['create']} to create, "
            f"{counts['update']} to update, {counts['unchanged']} unchanged, "
            f"{counts['skipped']} skipped, {counts['errors']} errors"
        )
        if not report.ok:
            raise CommandError(summary + "; nothing was written.")
        self.stdout.write(summary + ("; dry run, nothing was written." if dry_run else "; done."))
