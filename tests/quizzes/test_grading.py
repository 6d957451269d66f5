"""The marking queue for case analyses: who sees what, blind marking, marks and their checks."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from institutions.models import Institution, Membership
from quizzes.grading import anonymous_code
from quizzes.models import Attempt, QuestionBank, Quiz, Response
from quizzes.services import attempts as svc
from quizzes.services import marking as marking_services
from quizzes.services.item_statistics import LOCK_KEY
from tests.factories import PASSWORD, UserFactory, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_answer(candidate, subject):
    bank = QuestionBank.objects.create(name="案例题库")
    case = question(
        chapter=subject.chapters.first(),
        bank=bank,
        type="case_analysis",
        options=0,
        parts=(Decimal(6), Decimal(6), Decimal(8)),
    )
    quiz = Quiz.objects.create(title="案例分析测试", kind="chapter_test", subject=subject)
    attempt = Attempt.objects.create(
        quiz=quiz, user=candidate, number=1, started_at=timezone.now(), max_score=Decimal(20)
    )
    response = Response.objects.create(
        attempt=attempt, position=1, version=case.current_version, max_points=Decimal(20)
    )
    svc.response_save(
        user=candidate,
        attempt_id=attempt.pk,
        position=1,
        answer=["先建立关系", "评估需要", "链接资源"],
        seq=1,
    )
    svc.attempt_submit(attempt=attempt)
    return bank, response


def test_bank_author_marks_and_the_score_becomes_final(client, case_answer):
    bank, response = case_answer
    trainer = UserFactory(role="trainer")
    bank.authors.add(trainer)
    client.login(username=trainer.username, password=PASSWORD)
    listing = client.get("/quizzes/grading/").content.decode()
    assert 'data-queue-count="1"' in listing and response.attempt.user.display_name in listing
    blind = client.get("/quizzes/grading/?blind=1").content.decode()
    assert response.attempt.user.display_name not in blind
    page = client.get(f"/quizzes/grading/{response.pk}/").content.decode()
    assert "要点一" in page and "评估需要" in page
    bad = client.post(
        f"/quizzes/grading/{response.pk}/", {"part-0": "7", "part-1": "5", "part-2": "6"}
    )
    assert bad.status_code == 200 and Response.objects.get(pk=response.pk).points is None
    cache.delete(LOCK_KEY.format(response.attempt.quiz_id))  # the submit's computation is done
    done = client.post(
        f"/quizzes/grading/{response.pk}/",
        {"part-0": "5", "part-1": "4.5", "part-2": "6", "feedback": "较完整"},
    )
    assert done.status_code == 302
    attempt = Attempt.objects.get(pk=response.attempt_id)
    assert attempt.score == Decimal("15.5") and not attempt.provisional
    assert Response.objects.get(pk=response.pk).part_points == ["5", "4.5", "6"]
    # Now final, the attempt is due in the quiz's item statistics.
    assert cache.get(LOCK_KEY.format(attempt.quiz_id)) is not None
    cache.delete(LOCK_KEY.format(attempt.quiz_id))


def test_other_trainers_and_candidates_cannot_mark(client, case_answer, candidate):
    _bank, response = case_answer
    outsider = UserFactory(role="trainer")
    client.login(username=outsider.username, password=PASSWORD)
    assert 'data-queue-count="0"' in client.get("/quizzes/grading/").content.decode()
    assert client.get(f"/quizzes/grading/{response.pk}/").status_code == 404
    client.login(username=candidate.username, password=PASSWORD)
    assert client.get("/quizzes/grading/").status_code == 403
    assert client.post(f"/quizzes/grading/{response.pk}/", {"part-0": "6"}).status_code == 403


# --- Queue filters, blind marking, second marking and moderation -------------------------


def _case(subject, bank, parts=(Decimal(6), Decimal(6), Decimal(8))):
    return question(
        chapter=subject.chapters.first(), bank=bank, type="case_analysis", options=0, parts=parts
    )


def _answered(quiz, user, *cases, number=1):
    """A submitted attempt of ``user`` answering ``cases``; its responses."""
    total = sum(Decimal(sum(Decimal(p["points"]) for p in c.current_version.parts)) for c in cases)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        started_at=timezone.now(),
        max_score=total,
        pass_mark=total / 2,
    )
    responses = [
        Response.objects.create(
            attempt=attempt,
            position=position,
            version=case.current_version,
            max_points=sum(Decimal(p["points"]) for p in case.current_version.parts),
            answer=[f"回答{i}" for i in range(len(case.current_version.parts))],
        )
        for position, case in enumerate(cases, start=1)
    ]
    svc.attempt_submit(attempt=attempt)
    return responses


@pytest.fixture
def marking(subject):
    """Two quizzes and two case questions in one bank, two trainers authoring it, and learners
    in a district and in a station below it."""
    bank = QuestionBank.objects.create(name="案例题库")
    first, second = UserFactory(role="trainer"), UserFactory(role="trainer")
    bank.authors.add(first, second)
    case_a, case_b = _case(subject, bank), _case(subject, bank)
    quiz = Quiz.objects.create(title="案例测试甲", kind="chapter_test", subject=subject)
    other_quiz = Quiz.objects.create(title="案例测试乙", kind="chapter_test", subject=subject)
    district = Institution.add_root(name="甲区民政局", code="district-a", kind="district")
    station = district.add_child(name="甲街道社工站", code="station-a", kind="street_station")
    elsewhere = Institution.add_root(name="乙区民政局", code="district-b", kind="district")
    learners = {}
    for name, institution in (("in_district", district), ("in_station", station)):
        learner = UserFactory(role="candidate", real_name=f"学员{name}")
        Membership.objects.create(
            user=learner, institution=institution, staff_category="social_worker"
        )
        learners[name] = learner
    responses = {
        "district_a": _answered(quiz, learners["in_district"], case_a)[0],
        "station_b": _answered(quiz, learners["in_station"], case_b)[0],
        "other_quiz": _answered(other_quiz, learners["in_station"], case_a)[0],
    }
    return {
        "bank": bank,
        "first": first,
        "second": second,
        "quiz": quiz,
        "other_quiz": other_quiz,
        "cases": (case_a, case_b),
        "district": district,
        "station": station,
        "elsewhere": elsewhere,
        "learners": learners,
        "responses": responses,
    }


def _count(client, query=""):
    page = client.get(f"/quizzes/grading/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    return int(text.split('data-queue-count="')[1].split('"')[0])


def test_queue_filters_by_quiz_question_institution_and_state(client, marking):
    client.login(username=marking["first"].username, password=PASSWORD)
    case_a, case_b = marking["cases"]
    assert _count(client) == 3
    assert _count(client, f"quiz={marking['quiz'].pk}") == 2
    assert _count(client, f"question={case_a.pk}") == 2
    assert _count(client, f"question={case_b.pk}&quiz={marking['quiz'].pk}") == 1
    assert _count(client, f"institution={marking['district'].pk}") == 3  # the subtree
    assert _count(client, f"institution={marking['station'].pk}") == 2
    assert _count(client, f"institution={marking['elsewhere'].pk}") == 0
    assert _count(client, "state=marked") == 0
    marking_services.response_mark(
        marker=marking["first"],
        response=marking["responses"]["district_a"],
        part_points=[Decimal(5), Decimal(5), Decimal(5)],
    )
    assert _count(client) == 2
    assert _count(client, "state=marked") == 1
    assert _count(client, "state=second") == 0
    assert _count(client, "state=disagreement") == 0


@pytest.mark.parametrize(
    ("role", "list_status", "page_status"),
    [
        ("candidate", 403, 403),
        ("institution_admin", 403, 403),
        ("supervisor", 403, 403),
        ("trainer", 200, 404),  # a trainer who does not author the bank
        ("city_admin", 200, 404),  # a moderator: nothing to settle yet
        ("author", 200, 200),
    ],
)
def test_who_may_open_the_queue_and_mark(client, marking, role, list_status, page_status):
    user = marking["first"] if role == "author" else UserFactory(role=role)
    client.login(username=user.username, password=PASSWORD)
    response = marking["responses"]["district_a"]
    url = f"/quizzes/grading/{response.pk}/"
    assert client.get("/quizzes/grading/").status_code == list_status
    assert client.get(url).status_code == page_status
    posted = client.post(url, {"part-0": "1", "part-1": "1", "part-2": "1"})
    assert posted.status_code == (302 if role == "author" else page_status)
    marked = Response.objects.get(pk=response.pk).points
    assert (marked == Decimal(3)) if role == "author" else marked is None
    if role in ("trainer", "city_admin"):
        assert _count(client) == 0


def test_blind_marking_hides_names_and_institutions(client, marking):
    quiz = marking["quiz"]
    quiz.blind_marking = True
    quiz.save()
    learner = marking["learners"]["in_district"]
    response = marking["responses"]["district_a"]
    client.login(username=marking["first"].username, password=PASSWORD)
    listing = client.get(f"/quizzes/grading/?quiz={quiz.pk}").content.decode()
    assert learner.display_name not in listing and learner.real_name not in listing
    assert anonymous_code(response.attempt_id) in listing
    page = client.get(f"/quizzes/grading/{response.pk}/").content.decode()
    assert learner.display_name not in page and "甲区民政局" not in page
    assert anonymous_code(response.attempt_id) in page
    # A quiz without blind marking still shows its learner's name and institution.
    open_listing = client.get(f"/quizzes/grading/?quiz={marking['other_quiz'].pk}").content
    assert marking["learners"]["in_station"].display_name in open_listing.decode()
    assert "甲街道社工站" in open_listing.decode()
    # Nor can the institution filter tell the blind quiz's anonymous answers apart.
    district = marking["district"].pk
    filtered = client.get(f"/quizzes/grading/?quiz={quiz.pk}&institution={district}").content
    assert anonymous_code(response.attempt_id) not in filtered.decode()


def _second_marked(marking):
    quiz = marking["quiz"]
    quiz.second_marking = True
    quiz.save()
    return marking["responses"]["district_a"]


def test_two_close_marks_make_the_mean_final(client, marking, settings):
    settings.SECOND_MARK_TOLERANCE = 2
    response = _second_marked(marking)
    marking_services.response_mark(
        marker=marking["first"],
        response=response,
        part_points=[Decimal(5), Decimal(4), Decimal(6)],
        comment="第一评分人的意见",
    )
    response.refresh_from_db()
    assert response.points is None and Attempt.objects.get(pk=response.attempt_id).provisional
    # The first marker cannot give the second mark; the second marker does not see the first.
    client.login(username=marking["first"].username, password=PASSWORD)
    assert client.get(f"/quizzes/grading/{response.pk}/").status_code == 404
    client.login(username=marking["second"].username, password=PASSWORD)
    assert _count(client, "state=second") == 1
    page = client.get(f"/quizzes/grading/{response.pk}/").content.decode()
    assert "第一评分人的意见" not in page
    done = client.post(
        f"/quizzes/grading/{response.pk}/",
        {"part-0": "6", "part-1": "4.5", "part-2": "6"},
    )
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.points == Decimal("15.75")  # (15 + 16.5) / 2, part by part
    assert response.part_points == ["5.50", "4.25", "6.00"]
    attempt = Attempt.objects.get(pk=response.attempt_id)
    assert not attempt.provisional and attempt.score == Decimal("15.75")
    assert sorted(response.marks.values_list("role", flat=True)) == ["first", "second"]


def test_disagreeing_marks_wait_for_a_moderator(client, marking, settings, city_admin):
    settings.SECOND_MARK_TOLERANCE = 2
    response = _second_marked(marking)
    marking_services.response_mark(
        marker=marking["first"], response=response, part_points=[Decimal(6)] * 2 + [Decimal(8)]
    )
    marking_services.response_mark(
        marker=marking["second"], response=response, part_points=[Decimal(2)] * 3
    )
    response.refresh_from_db()
    assert response.points is None and Attempt.objects.get(pk=response.attempt_id).provisional
    # Neither marker settles it; a trainer without the permission sees no disagreement.
    client.login(username=marking["second"].username, password=PASSWORD)
    assert _count(client, "state=disagreement") == 0
    assert client.get(f"/quizzes/grading/{response.pk}/").status_code == 404
    client.login(username=city_admin.username, password=PASSWORD)
    assert _count(client) == 1  # a moderator's queue opens on disagreements
    page = client.get(f"/quizzes/grading/{response.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "The two marks disagree" in page.content.decode()
    done = client.post(
        f"/quizzes/grading/{response.pk}/",
        {"part-0": "4", "part-1": "4", "part-2": "5", "feedback": "复核后"},
    )
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.points == Decimal(13) and response.feedback == "复核后"
    assert not Attempt.objects.get(pk=response.attempt_id).provisional
    assert response.marks.get(role="moderator").marker == city_admin
    assert _count(client, "state=disagreement") == 0


def test_the_score_is_final_only_when_every_answer_is_marked(marking):
    case_a, case_b = marking["cases"]
    learner = UserFactory(role="candidate")
    first, second = _answered(marking["quiz"], learner, case_a, case_b)
    full = [Decimal(6), Decimal(6), Decimal(8)]
    marking_services.response_mark(marker=marking["first"], response=first, part_points=full)
    attempt = Attempt.objects.get(pk=first.attempt_id)
    assert attempt.provisional and attempt.passed is None
    marking_services.response_mark(marker=marking["second"], response=second, part_points=full)
    attempt.refresh_from_db()
    assert not attempt.provisional and attempt.score == Decimal(40) and attempt.passed
    with pytest.raises(PermissionDenied):  # already final: no further mark
        marking_services.response_mark(marker=marking["first"], response=first, part_points=full)
