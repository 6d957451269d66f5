"""Attacks a signed-in user could really try, each checked where it would do harm: the answer
keys before the review rules allow, someone else's attempt, answers, progress, certificate and
transcript, extra fields that should not be writable, and an institution admin reaching into
another institution."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateExport
from certificates.models.hours import HoursEntry, HoursState
from courses.models import Enrollment, LessonProgress
from institutions.models import RosterImport
from institutions.reporting.models import ExternalQualification, Report, TrainingRequirement
from quizzes.models import Attempt, AttemptState, Quiz, QuizKind, ReviewCard, ReviewTiming
from quizzes.models import Response as Answer
from quizzes.services import attempts as attempt_services
from quizzes.services.review import notebook_update_for_attempt

pytestmark = pytest.mark.django_db

# What a key or an explanation looks like in a response or a page: the test questions' option
# explanations read "选项N的解析"; a result page marks the key's options "correct" and shows an
# explanation box; the attempt's data (JSON, also embedded in its page) carries "review".
LEAK_TEXTS = ("的解析", "option_explanations", "key-point explanation")
KEY_OPTION = re.compile(r'class="option[^"]*\bcorrect\b')
EMBEDDED = re.compile(r'<script id="attempt-data" type="application/json">(.*?)</script>', re.S)


MASS_ASSIGNMENT = {
    "score": 100,
    "max_score": 1,
    "points": 99,
    "deadline": "2099-01-01T00:00:00Z",
    "state": "submitted",
    "submitted_at": "2000-01-01T00:00:00Z",
    "is_staff": True,
    "is_superuser": True,
    "role": "city_admin",
    "roles": ["city_admin"],
    "institution": 1,
    "username": "taken-over",
}


def _leaked(text: str) -> list[str]:
    found = [marker for marker in LEAK_TEXTS if marker in text]
    if KEY_OPTION.search(text):
        found.append("key option marked")
    embedded = EMBEDDED.search(text)
    try:
        data = json.loads(embedded.group(1) if embedded else text)
    except json.JSONDecodeError:
        data = {}
    questions = data.get("questions", []) if isinstance(data, dict) else []
    if isinstance(data, dict) and "review" in data:
        found.append("review of the saved answer")
    found += [f"review of question {q['position']}" for q in questions if "review" in q]
    return found


def _quiz(world, **review) -> Quiz:
    quiz = Quiz.objects.create(
        title="隐藏答案的测验", kind=QuizKind.CHAPTER_TEST, question_count=3, **review
    )
    quiz.chapters.set(world.quiz.chapters.all())
    quiz.save()
    return quiz


def _wrong_choice(attempt: Attempt, position: int = 1) -> list[int]:
    response = attempt.responses.select_related("version").get(position=position)
    keys = {option["id"] for option in response.version.options if option["correct"]}
    return [next(oid for oid in response.option_order if oid not in keys)]


# --- answer keys before the review rules allow -------------------------------------------------


@pytest.mark.parametrize(
    "review",
    [
        {"show_keys": ReviewTiming.AFTER_SUBMIT},
        {"show_keys": ReviewTiming.NEVER, "show_score": ReviewTiming.NEVER},
        {"show_keys": ReviewTiming.AFTER_CLOSE},
    ],
    ids=["after-submit", "never", "after-close"],
)
def test_no_key_or_explanation_reaches_a_candidate_while_the_attempt_is_open(
    world, api_as, as_role, review
):
    api = api_as("candidate")
    quiz = _quiz(world, closes_at=timezone.now() + datetime.timedelta(days=7), **review)
    started = api.post(reverse("api:attempt-start", args=[quiz.pk]), format="json")
    assert started.status_code == 201 and not _leaked(started.content.decode())
    attempt = Attempt.objects.get(pk=started.json()["id"])
    saved = api.put(
        reverse("api:answer-save", args=[attempt.pk, 1]),
        {"answer": _wrong_choice(attempt), "seq": 1},
        format="json",
    )
    assert saved.status_code == 200 and not _leaked(saved.content.decode())
    fetched = api.get(reverse("api:attempt", args=[attempt.pk]))
    assert not _leaked(fetched.content.decode())
    page = as_role("candidate").get(reverse("attempt", args=[attempt.pk]))
    assert page.status_code == 200 and not _leaked(page.content.decode())


@pytest.mark.parametrize(
    "review", [ReviewTiming.NEVER, ReviewTiming.AFTER_CLOSE], ids=["never", "after-close"]
)
def test_a_submit_reveals_no_key_when_the_quiz_keeps_them_hidden(world, api_as, as_role, review):
    api = api_as("candidate")
    quiz = _quiz(
        world,
        show_keys=review,
        show_score=review,
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    attempt = Attempt.objects.get(
        pk=api.post(reverse("api:attempt-start", args=[quiz.pk])).json()["id"]
    )
    submitted = api.post(reverse("api:attempt-submit", args=[attempt.pk]), MASS_ASSIGNMENT)
    body = submitted.content.decode()
    assert submitted.status_code == 200 and not _leaked(body)
    assert "result" not in submitted.json()  # nor the score
    result = as_role("candidate").get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert not _leaked(result)
    assert not _leaked(api.get(reverse("api:attempt", args=[attempt.pk])).content.decode())


def test_keys_show_after_submit_when_the_quiz_says_so(world, api_as):
    """The other side of the probes above: the same checks see keys where they are allowed."""
    api = api_as("candidate")
    quiz = _quiz(world, show_keys=ReviewTiming.AFTER_SUBMIT)
    attempt_id = api.post(reverse("api:attempt-start", args=[quiz.pk])).json()["id"]
    submitted = api.post(reverse("api:attempt-submit", args=[attempt_id]))
    assert _leaked(submitted.content.decode())


@pytest.mark.parametrize(
    "review", [ReviewTiming.NEVER, ReviewTiming.AFTER_CLOSE], ids=["never", "after-close"]
)
def test_the_notebook_review_does_not_reveal_the_keys_of_a_quiz_that_hides_them(
    world, api_as, as_role, review
):
    """Wrong answers of a quiz that hides its keys would come back in the notebook's review,
    which shows each key as soon as it is answered: they are not filed."""
    quiz = _quiz(world, show_keys=review, closes_at=timezone.now() + datetime.timedelta(days=7))
    user = world.users["candidate"]
    attempt, _created = attempt_services.attempt_start(user=user, quiz=quiz)
    for response in attempt.responses.all():
        attempt_services.response_save(
            user=user,
            attempt_id=attempt.pk,
            position=response.position,
            answer=_wrong_choice(attempt, response.position),
            seq=1,
        )
    attempt_services.attempt_submit(attempt=attempt)
    notebook_update_for_attempt(attempt_id=attempt.pk)  # the task that follows a submit
    assert not ReviewCard.objects.filter(user=user).exists()
    review = api_as("candidate").post(reverse("api:notebook-review"))
    assert review.status_code == 400 and not _leaked(review.content.decode())
    page = as_role("candidate").get(reverse("notebook")).content.decode()
    assert not _leaked(page)


def test_wrong_answers_of_a_quiz_showing_its_keys_do_enter_the_notebook(world):
    quiz = _quiz(world, show_keys=ReviewTiming.AFTER_SUBMIT)
    user = world.users["candidate"]
    attempt, _created = attempt_services.attempt_start(user=user, quiz=quiz)
    attempt_services.response_save(
        user=user, attempt_id=attempt.pk, position=1, answer=_wrong_choice(attempt), seq=1
    )
    attempt_services.attempt_submit(attempt=attempt)
    assert notebook_update_for_attempt(attempt_id=attempt.pk) >= 1


# --- someone else's attempt, answers, progress, certificate, transcript -------------------------


def test_another_learners_attempt_cannot_be_read_answered_or_submitted(world, api_as, as_role):
    theirs = world.attempts["member_b"]
    before = list(theirs.responses.values_list("answer", "seq", "points"))
    api = api_as("candidate")
    assert api.get(reverse("api:attempt", args=[theirs.pk])).status_code == 404
    for position in (1, 2, 3):
        put = api.put(
            reverse("api:answer-save", args=[theirs.pk, position]),
            {"answer": [], "seq": 99},
            format="json",
        )
        assert put.status_code == 404 and put.json() == {"detail": "Not found."}
    # The same through a browser session (the hot path's other way in).
    browser = as_role("candidate")
    put = browser.put(
        reverse("api:answer-save", args=[theirs.pk, 1]),
        json.dumps({"answer": [], "seq": 100}),
        content_type="application/json",
    )
    assert put.status_code == 404
    assert api.post(reverse("api:attempt-submit", args=[theirs.pk])).status_code == 404
    assert browser.get(reverse("attempt", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == AttemptState.IN_PROGRESS
    assert list(theirs.responses.values_list("answer", "seq", "points")) == before


def test_progress_is_only_ever_the_callers_own(world, api_as):
    them = world.users["member_b"]
    their_progress = LessonProgress.objects.filter(user=them).count()
    api = api_as("candidate")
    for name in ("api:lesson-complete", "api:lesson-heartbeat"):
        response = api.post(
            reverse(name, args=[world.lesson.pk]),
            {"user": them.pk, "user_id": them.pk, "seconds": 99999, **MASS_ASSIGNMENT},
            format="json",
        )
        assert response.status_code in (200, 201)
    assert LessonProgress.objects.filter(user=them).count() == their_progress
    assert LessonProgress.objects.filter(
        user=world.users["candidate"], lesson=world.lesson
    ).exists()
    # Credited study time stays within one heartbeat's cap, whatever was asked for.
    heartbeat = api.post(
        reverse("api:lesson-heartbeat", args=[world.lesson.pk]), {"seconds": 99999}
    )
    assert heartbeat.json()["credited_seconds"] <= 60


def test_another_persons_certificate_pdf_and_transcript_are_not_theirs(world, as_role):
    browser = as_role("candidate")
    for holder in ("civil_servant", "member_b"):
        code = world.certificates[holder].code
        assert browser.get(reverse("certificate-pdf", args=[code])).status_code == 404
        user_id = world.users[holder].pk
        assert browser.get(reverse("transcript-of", args=[user_id])).status_code == 404
    # The transcript page takes no one's id: it is always the caller's own.
    own = browser.get(reverse("transcript"), {"user": world.users["member_b"].pk})
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"


def test_the_public_verification_shows_the_status_and_a_masked_name_only(world, client):
    certificate = world.certificates["civil_servant"]
    holder = world.users["civil_servant"]
    page = client.get(reverse("certificate-verify", args=[certificate.code])).content.decode()
    assert certificate.serial in page
    assert holder.real_name not in page and holder.username not in page
    assert holder.email not in page
    verdict = client.post(
        reverse("api:certificate-verify"), certificate.credential, content_type="application/json"
    ).json()
    assert verdict["status"] == "valid" and verdict["holder"] != holder.real_name
    # The signed credential is the holder's to share: no contact details in it.
    credential = client.get(reverse("certificate-credential", args=[certificate.code]))
    assert holder.email not in credential.content.decode()


# --- mass assignment on every writable API endpoint -----------------------------------------


def test_me_ignores_fields_that_are_not_the_users_to_change(world, api_as):
    user = world.users["candidate"]
    groups = set(user.groups.values_list("name", flat=True))
    response = api_as("candidate").patch(
        reverse("api:me"),
        {**MASS_ASSIGNMENT, "user": world.users["member_b"].pk, "real_name": "新名字"},
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.real_name == "新名字"  # the one field that is theirs
    assert not user.is_staff and not user.is_superuser
    assert user.username != "taken-over"
    assert set(user.groups.values_list("name", flat=True)) == groups
    assert not user.memberships.exists()
    assert world.users["member_b"].real_name == "西山学员"


def test_starting_saving_and_submitting_ignore_extra_fields(world, api_as):
    api = api_as("candidate")
    quiz = _quiz(world, show_keys=ReviewTiming.AFTER_SUBMIT)
    theirs = Attempt.objects.filter(user=world.users["member_b"]).count()
    extra = {**MASS_ASSIGNMENT, "user": world.users["member_b"].pk, "user_id": 1}
    started = api.post(reverse("api:attempt-start", args=[quiz.pk]), extra, format="json")
    attempt = Attempt.objects.get(pk=started.json()["id"])
    assert attempt.user == world.users["candidate"]
    assert attempt.deadline is None and attempt.state == AttemptState.IN_PROGRESS
    assert attempt.max_score == sum(r.max_points for r in attempt.responses.all())
    saved = api.put(
        reverse("api:answer-save", args=[attempt.pk, 1]),
        {**extra, "answer": _wrong_choice(attempt), "seq": 1},
        format="json",
    )
    assert saved.status_code == 200
    attempt.refresh_from_db()
    answer = attempt.responses.get(position=1)
    assert answer.points is None and attempt.state == AttemptState.IN_PROGRESS
    assert attempt.submitted_at is None and attempt.deadline is None
    submitted = api.post(reverse("api:attempt-submit", args=[attempt.pk]), extra, format="json")
    attempt.refresh_from_db()
    assert submitted.json()["result"]["score"] == "0.00" and attempt.score == 0
    assert Answer.objects.filter(attempt=attempt, points__gt=0).count() == 0
    assert Attempt.objects.filter(user=world.users["member_b"]).count() == theirs


def test_enrolling_and_the_notebook_review_ignore_extra_fields(world, api_as):
    them = world.users["member_b"]
    their_enrollment = Enrollment.objects.get(user=them, course=world.course)
    api = api_as("trainer")
    extra = {**MASS_ASSIGNMENT, "user": them.pk, "completed_at": "2020-01-01T00:00:00Z"}
    enrolled = api.post(reverse("api:course-enroll", args=[world.course.pk]), extra, format="json")
    assert enrolled.status_code == 201 and enrolled.json()["completed_at"] is None
    assert Enrollment.objects.get(user=world.users["trainer"], course=world.course)
    assert Enrollment.objects.get(pk=their_enrollment.pk).completed_at is None
    review = api.post(reverse("api:notebook-review"), extra, format="json")
    assert (
        review.status_code == 400
        and not Attempt.objects.filter(
            user=world.users["trainer"], quiz__kind=QuizKind.REVIEW
        ).exists()
    )


def test_the_profile_page_ignores_extra_fields(world, as_role):
    user = world.users["candidate"]
    browser = as_role("candidate")
    browser.post(
        reverse("profile"),
        {
            "user-real_name": "改名",
            "user-preferred_language": "en",
            "user-is_staff": "on",
            "user-is_superuser": "on",
            "user-username": "taken-over",
            "user-groups": "1",
        },
    )
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser and user.username != "taken-over"


# --- an institution admin of A reaching into B ------------------------------------------------


def test_admin_a_sees_nothing_of_b_in_lists_dashboards_and_the_api(world, as_role, api_as):
    browser = as_role("admin_a")
    b = world.units["b"].pk
    for name in ("institution-dashboard", "institution-people", "institution-reports"):
        for params in ({"institution": b}, {"unit": b}, {"unit": f"{b} "}, {"unit": "0x3"}):
            response = browser.get(reverse(name), params)
            assert response.status_code in (200, 404), (name, params)
            assert "西山" not in response.content.decode(), (name, params)
    assert "西山学员" not in browser.get(reverse("certificate-desk")).content.decode()
    assert "西山学员" not in browser.get(reverse("qualification-reviews")).content.decode()
    assert "西山学员" not in browser.get(reverse("hours-review")).content.decode()
    api = api_as("admin_a")
    codes = [row["code"] for row in api.get(reverse("api:institution-list")).json()]
    assert codes == ["s-a", "s-a1", "s-a2"]
    assert api.get(reverse("api:institution-statistics", args=[b])).status_code == 404
    assert api.get(reverse("api:institution-statistics", args=[b]), {"year": 2025}).status_code == (
        404
    )


def test_admin_a_cannot_export_revoke_issue_or_review_for_b(world, as_role):
    browser = as_role("admin_a")
    theirs = world.certificates["member_b"]
    reports = Report.objects.count()
    browser.post(reverse("institution-reports"), {"unit": world.units["b"].pk, "format": "xlsx"})
    assert Report.objects.count() == reports
    exports = CertificateExport.objects.count()
    desk = reverse("certificate-desk")
    browser.post(desk, {"action": "export", "selected": [theirs.pk]})
    browser.post(desk, {"action": "revoke", "certificate": theirs.pk, "reason": "测试"})
    issued = Certificate.objects.count()
    browser.post(
        desk,
        {
            "action": "issue",
            "programme": world.objects["programme"].pk,
            "people": [world.users["member_b"].pk],
            "reason": "测试",
        },
    )
    assert CertificateExport.objects.count() == exports
    assert Certificate.objects.count() == issued
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    qualification = world.objects["qualification_b"]
    decided = browser.post(
        reverse("qualification-decide", args=[qualification.pk]),
        {f"q{qualification.pk}-decision": "approve"},
    )
    assert decided.status_code == 404
    assert ExternalQualification.objects.get(pk=qualification.pk).state == qualification.state
    hours = world.objects["hours_b"]
    reviewed = browser.post(
        reverse("hours-review"), {"entry": hours.pk, "decision": "approve", "note": ""}
    )
    assert reviewed.status_code in (403, 404)
    assert HoursEntry.objects.get(pk=hours.pk).state == HoursState.PENDING


def test_admin_a_cannot_change_bs_requirements_or_rosters(world, as_role):
    browser = as_role("admin_a")
    theirs = world.objects["requirement_b"]
    changed = browser.post(
        reverse("requirement-edit", args=[theirs.pk]),
        {"name": "改掉", "institution": world.units["a"].pk},
    )
    assert changed.status_code == 404
    assert TrainingRequirement.objects.get(pk=theirs.pk).name == theirs.name
    count = TrainingRequirement.objects.count()
    browser.post(
        reverse("requirement-add"),
        {
            "name": "西山的新要求",
            "institution": world.units["b"].pk,
            "target": "course",
            "course": world.course.pk,
            "due_rule": "months_after_hire",
            "due_months": 6,
        },
    )
    assert TrainingRequirement.objects.count() == count
    roster = world.objects["roster_b"]
    applied = browser.post(reverse("roster-import-detail", args=[roster.pk]))
    assert applied.status_code in (403, 404)
    assert RosterImport.objects.get(pk=roster.pk).state == roster.state


# --- ids that are no ids ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1", "1e3"])
def test_filters_with_impossible_ids_are_ignored(world, as_role, api_as, value):
    assert api_as("candidate").get(reverse("api:notebook"), {"chapter": value}).status_code == 200
    assert as_role("candidate").get(reverse("notebook"), {"chapter": value}).status_code == 200
    assert as_role("trainer").get(reverse("grading"), {"quiz": value}).status_code == 200
