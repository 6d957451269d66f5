"""The attempt engine: freezing, saving, deadlines, submitting, grading, versions."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quizzes.models import Accommodation, Attempt, QuestionOption, Quiz, Response
from quizzes.services import attempts as svc
from quizzes.services.questions import question_version_sync
from tests.factories import question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are matched in English here; tests/lms/test_language.py covers Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def start(user, quiz, now=None, seed=1):
    attempt, _created = svc.attempt_start(user=user, quiz=quiz, now=now, rng=random.Random(seed))
    return attempt


def key_of(response):
    return [
        oid
        for oid in response.option_order
        if next(o for o in response.version.options if o["id"] == oid)["correct"]
    ]


def wrong_of(response):
    return [oid for oid in response.option_order if oid not in key_of(response)][:1]


def test_start_freezes_questions_and_deadline(candidate, mock_exam):
    now = timezone.now()
    attempt = start(candidate, mock_exam, now)
    assert attempt.deadline == now + datetime.timedelta(minutes=60)
    assert attempt.max_score == Decimal(18) and attempt.pass_mark == Decimal(11)
    assert attempt.responses.count() == 14
    again = start(candidate, mock_exam, now + datetime.timedelta(minutes=5))
    assert again.pk == attempt.pk  # resumed, not restarted


def test_accommodation_extends_the_deadline(candidate, mock_exam):
    Accommodation.objects.create(user=candidate, time_factor=Decimal("1.5"))
    now = timezone.now()
    assert start(candidate, mock_exam, now).deadline == now + datetime.timedelta(minutes=90)


def test_option_order_is_shuffled_and_kept(candidate, mock_exam):
    attempt = start(candidate, mock_exam, seed=9)
    orders = [r.option_order for r in attempt.responses.all()]
    natural = [[o["id"] for o in r.version.options] for r in attempt.responses.all()]
    assert orders != natural
    assert [r.option_order for r in Attempt.objects.get(pk=attempt.pk).responses.all()] == orders


def test_save_is_idempotent_and_ignores_older_sequence_numbers(candidate, mock_exam):
    attempt = start(candidate, mock_exam)
    response = attempt.responses.get(position=1)
    first, second = response.option_order[0], response.option_order[1]
    svc.response_save(user=candidate, attempt_id=attempt.pk, position=1, answer=[second], seq=2)
    late = svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=[first], seq=1
    )
    repeat = svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=[second], seq=2
    )
    assert late.stale and repeat.stale
    response.refresh_from_db()
    assert (response.answer, response.seq) == ([second], 2)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([999999], "not part of this question"),
        ("A", "list of option ids"),
        ([True], "list of option ids"),
    ],
)
def test_bad_answers_change_nothing(candidate, mock_exam, answer, message):
    attempt = start(candidate, mock_exam)
    with pytest.raises(ValidationError, match=message):
        svc.response_save(user=candidate, attempt_id=attempt.pk, position=1, answer=answer, seq=1)
    assert attempt.responses.get(position=1).seq == 0


def test_single_choice_takes_one_option(candidate, mock_exam):
    attempt = start(candidate, mock_exam)
    response = attempt.responses.get(position=1)
    with pytest.raises(ValidationError, match="one option"):
        svc.response_save(
            user=candidate,
            attempt_id=attempt.pk,
            position=1,
            answer=response.option_order[:2],
            seq=1,
        )


def test_another_learners_attempt_is_not_found(candidate, other_candidate, mock_exam):
    attempt = start(candidate, mock_exam)
    with pytest.raises(svc.AttemptNotFound):
        svc.response_save(
            user=other_candidate, attempt_id=attempt.pk, position=1, answer=None, seq=1
        )
    with pytest.raises(svc.AttemptNotFound):
        svc.attempt_for(user=other_candidate, attempt_id=attempt.pk)


def test_submit_grades_as_the_exam_does_and_is_idempotent(candidate, mock_exam):
    attempt = start(candidate, mock_exam)
    responses = list(attempt.responses.select_related("version"))
    expected = Decimal(0)
    for seq, response in enumerate(responses, start=1):
        if response.version.type == "single_choice":
            answer = key_of(response) if response.position % 2 else wrong_of(response)
            expected += response.max_points if response.position % 2 else 0
        else:
            answer = key_of(response)[:1]  # one of two keys: 0.5 of 2 points
            expected += Decimal("0.5")
        svc.response_save(
            user=candidate,
            attempt_id=attempt.pk,
            position=response.position,
            answer=answer,
            seq=seq,
        )
    submitted = svc.attempt_submit(attempt=attempt)
    assert submitted.score == expected
    assert submitted.state == "submitted" and not submitted.provisional
    again = svc.attempt_submit(attempt=attempt)
    assert (again.score, again.submitted_at) == (submitted.score, submitted.submitted_at)
    with pytest.raises(svc.AttemptClosed):
        svc.response_save(user=candidate, attempt_id=attempt.pk, position=1, answer=None, seq=99)


def test_answers_after_deadline_and_grace_are_refused(candidate, mock_exam, settings):
    now = timezone.now()
    attempt = start(candidate, mock_exam, now)
    response = attempt.responses.get(position=1)
    in_grace = attempt.deadline + datetime.timedelta(seconds=settings.QUIZ_SAVE_GRACE_SECONDS - 1)
    svc.response_save(
        user=candidate,
        attempt_id=attempt.pk,
        position=1,
        answer=key_of(response),
        seq=1,
        now=in_grace,
    )
    too_late = attempt.deadline + datetime.timedelta(seconds=settings.QUIZ_SAVE_GRACE_SECONDS + 1)
    with pytest.raises(svc.AttemptClosed, match=r"Time is up|时间"):
        svc.response_save(
            user=candidate, attempt_id=attempt.pk, position=2, answer=None, seq=2, now=too_late
        )


def test_overdue_attempt_is_submitted_with_what_was_saved(candidate, mock_exam):
    now = timezone.now()
    attempt = start(candidate, mock_exam, now)
    response = attempt.responses.get(position=1)
    svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=key_of(response), seq=1, now=now
    )
    later = now + datetime.timedelta(hours=2)
    assert svc.attempts_submit_overdue(now=later) == 1
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.submit_reason == "deadline"
    assert attempt.score == response.max_points  # the saved answer counted
    assert svc.attempts_submit_overdue(now=later) == 0


def test_next_request_submits_an_overdue_attempt(candidate, mock_exam):
    now = timezone.now()
    attempt = start(candidate, mock_exam, now)
    seen = svc.attempt_for(
        user=candidate, attempt_id=attempt.pk, now=now + datetime.timedelta(hours=3)
    )
    assert seen.state == "submitted" and seen.submit_reason == "deadline"


def test_attempt_limit(candidate, mock_exam):
    mock_exam.max_attempts = 1
    mock_exam.save()
    svc.attempt_submit(attempt=start(candidate, mock_exam))
    with pytest.raises(ValidationError, match="all 1 attempts"):
        start(candidate, mock_exam)


def test_practice_checks_each_answer_at_once_and_locks_it(candidate, practice):
    attempt = start(candidate, practice)
    response = attempt.responses.get(position=1)
    result = svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=key_of(response), seq=1
    )
    assert result.review["correct"] is True and result.review["key"] == key_of(response)
    with pytest.raises(svc.AnswerLocked):
        svc.response_save(
            user=candidate, attempt_id=attempt.pk, position=1, answer=wrong_of(response), seq=2
        )


def test_editing_a_published_question_makes_a_new_version_and_attempts_keep_theirs(
    candidate, mock_exam
):
    attempt = start(candidate, mock_exam)
    response = attempt.responses.select_related("version__question").get(position=1)
    q = response.version.question
    old_version = response.version
    q.stem = "<p>修订后的题干</p>"
    q.save()
    QuestionOption.objects.filter(question=q).update(text="改过的选项")
    new_version = question_version_sync(question=q)
    assert new_version.number == old_version.number + 1
    response.refresh_from_db()
    assert response.version_id == old_version.pk
    assert response.version.stem != "<p>修订后的题干</p>"
    assert question_version_sync(question=q) is None  # nothing changed since


def test_versions_cannot_be_changed(mock_exam):
    from quizzes.models import QuestionVersion

    version = QuestionVersion.objects.first()
    version.stem = "篡改"
    with pytest.raises(ValidationError):
        version.save()


def test_human_marked_answers_make_the_score_provisional_until_graded(candidate, subject, trainer):
    chapter = subject.chapters.first()
    case = question(
        chapter=chapter, type="case_analysis", options=0, parts=(Decimal(6), Decimal(6), Decimal(8))
    )
    quiz = Quiz.objects.create(title="案例", kind="chapter_test", subject=subject)
    attempt = Attempt.objects.create(
        quiz=quiz, user=candidate, number=1, started_at=timezone.now(), max_score=Decimal(20)
    )
    response = Response.objects.create(
        attempt=attempt, position=1, version=case.current_version, max_points=Decimal(20)
    )
    svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=["答一", "答二", "答三"], seq=1
    )
    attempt = svc.attempt_submit(attempt=attempt)
    assert attempt.provisional and attempt.score == 0
    with pytest.raises(ValidationError):
        svc.response_grade(grader=trainer, response=response, points=Decimal(21))
    attempt = svc.response_grade(
        grader=trainer, response=response, points=Decimal(15), feedback="要点基本完整"
    )
    assert not attempt.provisional and attempt.score == Decimal(15)


def test_every_kind_of_unfitting_answer_is_refused_with_its_reason(candidate, subject):
    """On PostgreSQL a save is first tried as one guarded statement; whatever that statement
    refuses must be refused by the general path too, with the reason, and nothing stored."""
    chapter = subject.chapters.first()
    single = question(chapter=chapter)
    other = question(chapter=chapter)
    case = question(chapter=chapter, type="case_analysis", options=0, parts=(Decimal(5),) * 2)
    quiz = Quiz.objects.create(title="混合", kind="chapter_test", subject=subject)
    attempt = Attempt.objects.create(
        quiz=quiz, user=candidate, number=1, started_at=timezone.now(), max_score=Decimal(12)
    )
    for position, q in enumerate((single, case), start=1):
        Response.objects.create(
            attempt=attempt,
            position=position,
            version=q.current_version,
            max_points=Decimal(1),
            option_order=[o["id"] for o in q.current_version.options],
        )
    own = [o["id"] for o in single.current_version.options]
    foreign = other.current_version.options[0]["id"]
    cases = [
        (1, [foreign], "not part of this question"),
        (1, own[:2], "one option"),
        (1, ["甲"], "list of option ids"),
        (1, [own[0], "甲"], "list of option ids"),
        (2, [own[0]], "one text per sub-question"),
        (2, ["一", "二", "三"], "Too many"),
        (2, ["长" * (svc.MAX_TEXT_ANSWER + 1)], "Too many or too long"),
    ]
    for position, answer, message in cases:
        with pytest.raises(ValidationError, match=message):
            svc.response_save(
                user=candidate, attempt_id=attempt.pk, position=position, answer=answer, seq=1
            )
    assert list(attempt.responses.values_list("seq", "answer")) == [(0, None), (0, None)]
    saved = svc.response_save(
        user=candidate, attempt_id=attempt.pk, position=2, answer=["一", "二"], seq=1
    )
    assert not saved.stale and attempt.responses.get(position=2).answer == ["一", "二"]
