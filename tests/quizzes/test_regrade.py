"""Regrading past answers when a trainer corrects the key of a published choice question."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils import timezone, translation

from lms.models import Notice
from quizzes import tasks
from quizzes.models import Attempt, QuestionOption, Quiz, Regrade, Response
from quizzes.services import attempts as svc
from quizzes.services.questions import question_version_sync
from quizzes.services.regrade import regrade_schedule
from quizzes.signals import assessment_passed
from quizzes.wagtail_hooks import freeze_published_question
from tests.factories import PASSWORD, UserFactory, question

pytestmark = pytest.mark.django_db


def _attempt(quiz, user, version, chosen: int, *, pass_mark=Decimal(2)):
    """A submitted attempt of two single-choice answers: the keyed one, and one on ``version``
    choosing the option at index ``chosen``."""
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=1,
        started_at=timezone.now(),
        max_score=Decimal(2),
        pass_mark=pass_mark,
    )
    ids = [option["id"] for option in version.options]
    Response.objects.create(
        attempt=attempt,
        position=1,
        version=version,
        option_order=ids,
        max_points=Decimal(1),
        answer=[ids[chosen]],
    )
    return attempt


@pytest.fixture
def corrected(subject):
    """Three learners answered a question whose key was then moved from A to B."""
    chapter = subject.chapters.first()
    wrong_key = question(chapter=chapter, keys=(0,))
    sure = question(chapter=chapter, keys=(0,))
    quiz = Quiz.objects.create(title="章节测试", kind="chapter_test", subject=subject)
    learners = {
        name: UserFactory(role="candidate", preferred_language="en")
        for name in ("chose_b", "chose_a", "chose_c")
    }
    attempts = {}
    for name, chosen in (("chose_b", 1), ("chose_a", 0), ("chose_c", 2)):
        attempt = _attempt(quiz, learners[name], wrong_key.current_version, chosen)
        ids = [option["id"] for option in sure.current_version.options]
        Response.objects.create(
            attempt=attempt,
            position=2,
            version=sure.current_version,
            option_order=ids,
            max_points=Decimal(1),
            answer=[ids[0]],
        )
        attempts[name] = svc.attempt_submit(attempt=attempt)
    old = wrong_key.current_version
    options = list(wrong_key.options.order_by("sort_order"))
    QuestionOption.objects.filter(pk=options[0].pk).update(
        is_correct=False, explanation="A 不符合接案原则"
    )
    QuestionOption.objects.filter(pk=options[1].pk).update(is_correct=True)
    new = question_version_sync(question=wrong_key)
    return {"question": wrong_key, "old": old, "new": new, "attempts": attempts, "quiz": quiz}


@pytest.fixture
def passes():
    heard = []

    def receiver(sender, attempt, **kwargs):
        heard.append(attempt.pk)

    assessment_passed.connect(receiver)
    yield heard
    assessment_passed.disconnect(receiver)


def _score(attempt):
    return Attempt.objects.get(pk=attempt.pk).score


def test_a_corrected_key_rescores_past_answers_with_an_audit_and_notices(
    corrected, passes, trainer, django_capture_on_commit_callbacks
):
    attempts = corrected["attempts"]
    assert [_score(attempts[n]) for n in ("chose_b", "chose_a", "chose_c")] == [1, 2, 1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert regrade_schedule(version=corrected["new"], by=trainer) == 3
    assert len(callbacks) == 1  # the task is queued once the version is committed

    assert tasks.regrade_with_corrected_key(corrected["new"].pk, trainer.pk) == 2
    assert [_score(attempts[n]) for n in ("chose_b", "chose_a", "chose_c")] == [2, 1, 1]
    rows = {row.response.attempt_id: row for row in Regrade.objects.select_related("response")}
    assert set(rows) == {attempts["chose_b"].pk, attempts["chose_a"].pk}
    gained = rows[attempts["chose_b"].pk]
    assert (gained.old_points, gained.new_points) == (Decimal(0), Decimal(1))
    assert gained.version_from == corrected["old"] and gained.version_to == corrected["new"]
    assert gained.by == trainer
    # The answer keeps the version it showed; only its points follow the corrected key.
    assert gained.response.version == corrected["old"] and gained.response.points == 1
    notices = {notice.user_id: notice for notice in Notice.objects.all()}  # learners chose "en"
    assert set(notices) == {attempts["chose_b"].user_id, attempts["chose_a"].user_id}
    assert "changed from 1 to 2" in notices[attempts["chose_b"].user_id].message
    assert "章节测试" in notices[attempts["chose_b"].user_id].message
    assert "changed from 2 to 1" in notices[attempts["chose_a"].user_id].message
    assert notices[attempts["chose_a"].user_id].link == f"/attempts/{attempts['chose_a'].pk}/"
    # The learner who now passes is announced (certificates, module completion); no one else.
    assert passes == [attempts["chose_b"].pk]
    assert Attempt.objects.get(pk=attempts["chose_b"].pk).passed

    # Running it again changes nothing.
    assert tasks.regrade_with_corrected_key(corrected["new"].pk, trainer.pk) == 0
    assert Regrade.objects.count() == 2 and Notice.objects.count() == 2
    assert passes == [attempts["chose_b"].pk]
    assert [_score(attempts[n]) for n in ("chose_b", "chose_a", "chose_c")] == [2, 1, 1]


def test_a_key_corrected_back_restores_the_first_scores(corrected, trainer):
    attempts = corrected["attempts"]
    tasks.regrade_with_corrected_key(corrected["new"].pk, trainer.pk)
    options = list(corrected["question"].options.order_by("sort_order"))
    QuestionOption.objects.filter(pk=options[0].pk).update(is_correct=True)
    QuestionOption.objects.filter(pk=options[1].pk).update(is_correct=False)
    back = question_version_sync(question=corrected["question"])
    # The earlier task, arriving late, leaves the answers to the newer correction.
    assert tasks.regrade_with_corrected_key(corrected["new"].pk, trainer.pk) == 0
    assert regrade_schedule(version=back, by=trainer) == 3
    assert tasks.regrade_with_corrected_key(back.pk, trainer.pk) == 2
    assert [_score(attempts[n]) for n in ("chose_b", "chose_a", "chose_c")] == [1, 2, 1]
    assert Regrade.objects.count() == 4


def test_a_changed_option_text_is_no_key_correction(corrected, trainer):
    options = list(corrected["question"].options.order_by("sort_order"))
    QuestionOption.objects.filter(pk=options[2].pk).update(text="改写后的选项")
    version = question_version_sync(question=corrected["question"])
    assert version is not None and regrade_schedule(version=version, by=trainer) == 0
    assert regrade_schedule(version=None) == 0


def test_the_admin_tells_the_trainer_that_answers_are_rescored(corrected, trainer, rf):
    question_ = corrected["question"]
    option = question_.options.order_by("sort_order")[2]
    QuestionOption.objects.filter(pk=option.pk).update(is_correct=True)
    QuestionOption.objects.filter(pk=question_.options.order_by("sort_order")[1].pk).update(
        is_correct=False
    )
    request = rf.post("/admin/")
    request.user = trainer
    request.session = {}
    request._messages = FallbackStorage(request)
    with translation.override("en"):
        freeze_published_question(request, question_)
        shown = [str(message) for message in get_messages(request)]
    assert shown == [
        "You corrected the key: 3 past answers are being re-scored with it. "
        "Learners whose scores change get a notice."
    ]


def test_the_audit_is_readable_in_the_admin_by_trainers_only(corrected, trainer, client):
    tasks.regrade_with_corrected_key(corrected["new"].pk, trainer.pk)
    corrected["question"].bank.authors.add(trainer)
    client.login(username=trainer.username, password=PASSWORD)
    listing = client.get("/admin/regrades/", HTTP_ACCEPT_LANGUAGE="en")
    row = Regrade.objects.first()
    assert listing.status_code == 200
    assert f"/admin/regrades/inspect/{row.pk}/" in listing.content.decode()
    assert client.get(f"/admin/regrades/inspect/{row.pk}/").status_code == 200
    assert client.get("/admin/regrades/new/").status_code in (302, 403)
    candidate = UserFactory(role="candidate")
    client.login(username=candidate.username, password=PASSWORD)
    assert client.get("/admin/regrades/").status_code in (302, 403)
