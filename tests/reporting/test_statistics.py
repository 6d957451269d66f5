"""Statistics against a small city whose numbers are worked out by hand in the comments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateProgramme, CertificateTemplate
from certificates.services.keys import current_signing_key
from courses.models import Enrollment, StudyTime
from institutions.reporting.models import (
    AnnualTarget,
    Assignment,
    ExternalQualification,
    TrainingRequirement,
)
from institutions.reporting.statistics import Period, statistics
from institutions.services import membership_set
from quizzes.models import Attempt, Quiz, Response
from tests.factories import (
    ChapterFactory,
    KnowledgePointFactory,
    SubjectFactory,
    lessons_of,
    question,
)
from tests.reporting.conftest import person

pytestmark = pytest.mark.django_db

NOW = timezone.now() + datetime.timedelta(minutes=10)  # after the rows the tests make
TODAY = timezone.localdate(NOW)
PERIOD = Period.year_to_date(TODAY)


def moment(days_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_ago)


@pytest.fixture
def small_city(city, rotation, settings):
    """A1: 甲 乙 丙; A2: 丁 and 甲 again (two memberships); B1: 戊.

    - enrolments: 甲 completed, 乙 in progress, 丁 completed, 戊 in progress
    - assignments: 甲 done, 乙 overdue, 丁 open (due in 30 days)
    - certificates: 甲 valid 2 years, 丁 expires in 30 days, 戊 expired
    - mock exams (pass mark 60 of 100): 甲 80, 乙 50, 丁 70, 戊 90
    - answers: 甲 and 乙 answer KP1 (甲 right, 乙 wrong) and KP2 (both right)
    - study: 甲 2 hours; qualification: 乙 approved (junior) this year; city target 50
    """
    settings.WEAK_POINT_MIN_ANSWERS = 1
    jia = person(city["a1"], name="甲")
    yi = person(city["a1"], name="乙")
    bing = person(city["a1"], name="丙")
    ding = person(city["a2"], name="丁")
    wu = person(city["b1"], name="戊")
    membership_set(user=jia, institution=city["a2"], staff_category="civil_servant")

    for user, completed in ((jia, True), (yi, False), (ding, True), (wu, False)):
        enrolment = Enrollment.objects.create(user=user, course=rotation)
        if completed:
            enrolment.completed_at = moment(40)
            enrolment.save()

    requirement = TrainingRequirement.objects.create(
        name="轮训",
        institution=city["a"],
        target="course",
        course=rotation,
        due_rule="fixed_date",
        due_date=TODAY,
    )
    Assignment.objects.create(
        requirement=requirement, user=jia, due_on=TODAY, completed_at=moment(40)
    )
    Assignment.objects.create(
        requirement=requirement, user=yi, due_on=TODAY - datetime.timedelta(days=1)
    )
    Assignment.objects.create(
        requirement=requirement, user=ding, due_on=TODAY + datetime.timedelta(days=30)
    )

    template = CertificateTemplate.objects.create(name="t", html="<p></p>", css="")
    programme = CertificateProgramme.objects.create(
        name="轮训证书",
        course=rotation,
        credit_hours=Decimal(16),
        issuer=city["city"],
        template=template,
    )
    key = current_signing_key()
    for n, (user, expires_in) in enumerate(((jia, 730), (ding, 30), (wu, -10))):
        Certificate.objects.create(
            programme=programme,
            holder=user,
            serial=f"QH-T-{n}",
            code=f"code{n}",
            holder_name=user.real_name,
            programme_name="轮训证书",
            issuer_name="江城市",
            hours=Decimal(16),
            issued_at=moment(40),
            expires_at=NOW + datetime.timedelta(days=expires_in),
            signing_key=key,
        )

    subject = SubjectFactory(name="社会工作综合能力")
    chapter = ChapterFactory(subject=subject)
    kp1 = KnowledgePointFactory(chapter=chapter, code="KP-WEAK", name="薄弱考点")
    kp2 = KnowledgePointFactory(chapter=chapter, code="KP-STRONG", name="掌握考点")
    v1 = question(chapter=chapter, knowledge_points=[kp1]).current_version
    v2 = question(chapter=chapter, knowledge_points=[kp2]).current_version
    quiz = Quiz.objects.create(title="模拟考试", kind="mock_exam", subject=subject)
    answers = {jia: (1, 1), yi: (0, 1)}
    for user, score in ((jia, 80), (yi, 50), (ding, 70), (wu, 90)):
        attempt = Attempt.objects.create(
            quiz=quiz,
            user=user,
            number=1,
            state="submitted",
            started_at=moment(10),
            submitted_at=moment(10),
            max_score=100,
            pass_mark=60,
            score=score,
        )
        for position, (version, points) in enumerate(
            zip((v1, v2), answers.get(user, ()), strict=False)
        ):
            Response.objects.create(
                attempt=attempt, position=position, version=version, max_points=1, points=points
            )

    lesson = lessons_of(rotation)[0]
    StudyTime.objects.create(user=jia, course=rotation, lesson=lesson, day=TODAY, seconds=7200)
    ExternalQualification.objects.create(
        user=yi,
        kind="junior",
        title="助理社会工作师",
        issuer="人社部",
        issued_on=TODAY,
        state="approved",
        reviewed_at=NOW,
        evidence="qualifications/x.png",
    )
    AnnualTarget.objects.create(
        institution=city["city"], year=PERIOD.final_year, qualified_people=50
    )
    return {"jia": jia, "yi": yi, "bing": bing, "ding": ding, "wu": wu, "kp1": kp1}


def test_district_totals_count_each_person_once(city, small_city):
    stats = statistics(city["a"], PERIOD, NOW)
    a = stats.summary
    assert a["people"] == 4  # 甲 乙 丙 丁; 甲's second membership does not count twice
    assert (a["enrolments"], a["enrolments_completed"], a["enrolments_in_progress"]) == (3, 2, 1)
    assert a["completion_pct"] == pytest.approx(66.7)
    assert (a["assignments"], a["assignments_completed"], a["assignments_overdue"]) == (3, 1, 1)
    assert a["compliance_pct"] == pytest.approx(33.3)
    # 甲 valid (not expiring); 丁 valid and expiring within 90 days.
    assert (a["certificates_valid"], a["certificates_expiring"], a["certificates_expired"]) == (
        2,
        1,
        0,
    )
    # Mock exams 80, 50, 70: two pass; mean 66.7; median 70.
    assert (a["mock_attempts"], a["mock_passed"], a["mock_pass_pct"]) == (3, 2, 66.7)
    assert (a["score_mean"], a["score_median"]) == (66.7, 70.0)
    assert a["study_hours"] == 2.0
    assert a["qualified"] == 1 and a["qualified_target"] is None


def test_each_unit_and_the_city(city, small_city):
    stats = statistics(city["city"], PERIOD, NOW)
    units = stats.units
    assert units.loc[city["a1"].pk, "people"] == 3
    assert units.loc[city["a2"].pk, "people"] == 2  # 丁, and 甲's second post
    assert units.loc[city["b1"].pk, "certificates_expired"] == 1
    city_row = stats.summary
    assert city_row["people"] == 5
    # Four mock exams 80, 50, 70, 90: three pass; median 75.
    assert (city_row["mock_attempts"], city_row["mock_pass_pct"]) == (4, 75.0)
    assert city_row["score_median"] == 75.0
    assert city_row["qualified"] == 1 and city_row["qualified_target"] == 50
    assert list(stats.subjects.pass_pct) == [75.0]


def test_weakest_knowledge_points_come_first(city, small_city):
    stats = statistics(city["a"], PERIOD, NOW)
    # KP-WEAK: 1 point of 2; KP-STRONG: 2 of 2.
    assert list(stats.weak_points.code) == ["KP-WEAK", "KP-STRONG"]
    assert list(stats.weak_points.correct_pct) == [50.0, 100.0]
    assert list(stats.weak_points.answers) == [2, 2]


def test_score_bands_and_monthly_trend(city, small_city):
    stats = statistics(city["city"], PERIOD, NOW)
    bands = dict(zip(stats.score_bands.band, stats.score_bands.attempts, strict=True))
    assert (bands["50–59"], bands["70–79"], bands["80–89"], bands["90–100"]) == (1, 1, 1, 1)
    assert sum(bands.values()) == 4
    month = timezone.localtime(moment(40)).strftime("%Y-%m")
    trend = stats.trend.set_index("month")
    assert len(trend) == 12 and trend.index[-1] == TODAY.strftime("%Y-%m")
    assert trend.loc[month, "courses_completed"] == 2
    assert trend.loc[month, "certificates_issued"] == 3
    assert trend.loc[month, "assignments_completed"] == 1
    assert trend.courses_completed.sum() == 2


def test_an_empty_institution_has_zeros_and_no_shares(city):
    stats = statistics(city["b1"], PERIOD, NOW)
    summary = stats.summary
    assert summary["people"] == 0
    assert summary["completion_pct"] is None and summary["score_median"] is None
    assert stats.weak_points.empty and stats.score_bands.attempts.sum() == 0


def test_activity_outside_the_period_is_left_out(city, small_city):
    last_year = Period.year(TODAY.year - 1)
    stats = statistics(city["a"], last_year, NOW)
    assert stats.summary["mock_attempts"] == 0
    assert stats.summary["study_hours"] == 0
    assert stats.summary["people"] == 4  # states are as of now


def test_a_past_period_shows_states_as_they_stood_at_its_end(city, small_city):
    # Everything in the small city happened within the last 40 days; at the end of last year
    # nobody was enrolled, assigned or certified yet.
    stats = statistics(city["a"], Period.year(TODAY.year - 1), NOW)
    a = stats.summary
    assert (a["enrolments"], a["assignments"], a["certificates_valid"]) == (0, 0, 0)
    assert a["assignments_overdue"] == 0


def test_a_certificate_revoked_later_still_counts_for_the_time_before(city, small_city):
    Certificate.objects.filter(holder=small_city["jia"]).update(revoked_at=moment(5))
    assert statistics(city["a"], PERIOD, NOW).summary["certificates_valid"] == 1  # 丁 only
    before = Period(PERIOD.start, timezone.localdate(moment(10)))
    assert statistics(city["a"], before, NOW).summary["certificates_valid"] == 2
