"""python manage.py export_questions FILE [--format …] [--bank NAME] [--chapter CODE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.formats.registry import FORMAT_NAMES, guess_format
from quizzes.models import Question, QuestionStatus
from quizzes.services.imports import questions_export


class Command(BaseCommand):
    help = (
        "Export questions (all but retired ones) to an XLSX, GIFT, Aiken, Moodle XML or QTI file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMAT_NAMES, help="default: from the file name")
        parser.add_argument("--bank", help="only the questions of this bank (its name)")
        parser.add_argument("--chapter", help="only the questions of this chapter (its code)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        fmt = options["format"] or guess_format(path.name)
        if fmt is None:
            raise CommandError("Give --format: the file name does not tell it.")
        questions = Question.objects.exclude(status=QuestionStatus.RETIRED)
        if options["bank"]:
            questions = questions.filter(bank__name=options["bank"])
        if options["chapter"]:
            questions = questions.filter(chapter__code=options["chapter"])
        count = questions.count()
        data = questions_export(questions=questions.order_by("chapter__code", "ref", "pk"), fmt=fmt)
        path.write_bytes(data)
        self.stdout.write(f"{path}: {count} questions in {fmt}.")
