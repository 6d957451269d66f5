from django.db import migrations


class Migration(migrations.Migration):
    """Joins the three migrations of marking, item statistics and question imports."""

    dependencies = [
        ("quizzes", "0005_grading_moderation"),
        ("quizzes", "0005_item_statistics"),
        ("quizzes", "0005_question_imports"),
    ]

    operations = []
