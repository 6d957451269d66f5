"""The people and the exam of a load run: N candidates with one password, the junior
Comprehensive Ability mock exam, and no attempts left over from an earlier run."""

from django.contrib.auth import get_user_model

from courses.models import Subject
from quizzes.models import Quiz, QuizKind

PASSWORD = "qihang-load-test"
PREFIX = "load-candidate-"


def load_seed(*, count: int) -> dict:
    User = get_user_model()
    subject = Subject.objects.get(code="J-CA")
    quiz = Quiz.objects.filter(kind=QuizKind.MOCK_EXAM, subject=subject, is_active=True).first()
    if quiz is None:
        raise SystemExit("No active J-CA mock exam: load the demo data first")
    template = User(username=PREFIX + "template")
    template.set_password(PASSWORD)  # hashed once: 200 PBKDF2 hashes would take minutes
    usernames = [f"{PREFIX}{number:03d}" for number in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        User(username=name, password=template.password, real_name=f"压测考生{name[-3:]}")
        for name in usernames
        if name not in existing
    )
    User.objects.filter(username__in=usernames).update(password=template.password, is_active=True)
    quiz.attempts.filter(user__username__startswith=PREFIX).delete()
    return {"quiz_id": quiz.pk, "usernames": usernames, "password": PASSWORD}
