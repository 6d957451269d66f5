"""One small city with a person of every role and the objects each may or may not reach.

Roles (the matrix's columns): ``anonymous``; ``candidate`` (no institution); ``civil_servant``
(a candidate who is a civil servant of unit A1); ``trainer`` (author of the question bank);
``admin_a`` and ``admin_b`` (institution admins of districts A and B); ``supervisor`` (supervises
someone in A2); ``city_admin``. Besides them ``member_b``, a candidate of unit B1, owns the
"someone else's" objects.
"""

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from certificates.models import CertificateExport, CertificateProgramme, CertificateTemplate
from certificates.models.hours import HoursEntry
from certificates.services.issuance import certificate_documents_ensure, certificate_issue_by_admin
from courses import services as course_services
from institutions.models import RosterImport
from institutions.reporting.models import ExternalQualification, Report, TrainingRequirement
from institutions.services import institution_create, membership_set
from quizzes.models import Quiz, QuizKind
from quizzes.services import attempts as attempt_services
from tests.factories import (
    ChapterFactory,
    KnowledgePointFactory,
    SubjectFactory,
    UserFactory,
    course_tree,
    lessons_of,
    question,
    site_tree,
)

ROLES = (
    "anonymous",
    "candidate",
    "civil_servant",
    "trainer",
    "admin_a",
    "admin_b",
    "supervisor",
    "city_admin",
)
SIGNED_IN = ROLES[1:]
FIXTURE_DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "certificates"


@dataclasses.dataclass
class World:
    users: dict  # role -> user (None for anonymous), plus "member_b" and "supervisee"
    tokens: dict  # role -> API token key
    units: dict  # "city", "a", "a1", "a2", "b", "b1" -> Institution
    quiz: Quiz
    attempts: dict  # role or "member_b" -> open attempt
    course: object
    lesson: object
    knowledge_point: object
    certificates: dict  # "civil_servant", "member_b" -> Certificate
    objects: dict  # everything else, by name

    def user(self, role):
        return self.users.get(role)


def _person(unit, *, name, role="candidate", supervisor=None):
    user = UserFactory(role=role, real_name=name)
    membership_set(
        user=user, institution=unit, staff_category="civil_servant", supervisor=supervisor
    )
    return user


def _units() -> dict:
    city = institution_create(name="江城市", name_en="Jiangcheng", code="s-city", kind="city")
    a = institution_create(name="东湖区", code="s-a", kind="district", parent=city)
    b = institution_create(name="西山区", code="s-b", kind="district", parent=city)
    return {
        "city": city,
        "a": a,
        "a1": institution_create(name="东湖民政局", code="s-a1", kind="civil_affairs", parent=a),
        "a2": institution_create(name="长青社区", code="s-a2", kind="community", parent=a),
        "b": b,
        "b1": institution_create(name="西山医院", code="s-b1", kind="hospital", parent=b),
    }


def _people(units) -> dict:
    supervisor = UserFactory(role="supervisor", real_name="督导")
    users = {
        "anonymous": None,
        "candidate": UserFactory(role="candidate", real_name="考生甲"),
        "civil_servant": _person(units["a1"], name="东湖公务员"),
        "trainer": UserFactory(role="trainer", real_name="培训师"),
        "admin_a": _person(units["a"], name="东湖管理员", role="institution_admin"),
        "admin_b": _person(units["b"], name="西山管理员", role="institution_admin"),
        "supervisor": supervisor,
        "city_admin": UserFactory(role="city_admin", real_name="市管理员"),
        "member_b": _person(units["b1"], name="西山学员"),
        "supervisee": _person(units["a2"], name="被督导人", supervisor=supervisor),
    }
    return users


def _quizzes(trainer):
    subject = SubjectFactory(code="S-SEC")
    chapter = ChapterFactory(subject=subject, number=1)
    point = KnowledgePointFactory(chapter=chapter)
    for _ in range(4):
        question(chapter=chapter, knowledge_points=[point])
    written_chapter = ChapterFactory(subject=subject, number=2)
    case = question(chapter=written_chapter, type="case_analysis", options=0, parts=(Decimal(10),))
    case.bank.authors.add(trainer)
    quiz = Quiz.objects.create(
        title="保密练习", kind=QuizKind.PRACTICE, subject=subject, question_count=3
    )
    quiz.chapters.set([chapter])
    quiz.save()
    return written_chapter, point, quiz


def _written_answer(candidate, chapter, bank=None):
    """A submitted case analysis of ``candidate``, waiting in a marking queue: the trainer's
    (the author of the test bank), or that of ``bank``'s authors (none)."""
    from quizzes.models import Attempt, Question, Response

    cases = Question.objects.filter(chapter=chapter, type="case_analysis")
    if bank is None:
        case = cases.first()
    else:
        case = question(
            chapter=chapter, bank=bank, type="case_analysis", options=0, parts=(Decimal(10),)
        )
    quiz = Quiz.objects.create(title="案例分析", kind=QuizKind.CHAPTER_TEST)
    attempt = Attempt.objects.create(
        quiz=quiz, user=candidate, number=1, started_at=timezone.now(), max_score=Decimal(10)
    )
    response = Response.objects.create(
        attempt=attempt, position=1, version=case.current_version, max_points=Decimal(10)
    )
    attempt_services.response_save(
        user=candidate, attempt_id=attempt.pk, position=1, answer=["先建立关系"], seq=1
    )
    attempt_services.attempt_submit(attempt=attempt)
    return response


def build_world() -> World:
    site_tree()
    units = _units()
    users = _people(units)
    tokens = {
        role: Token.objects.create(user=user).key
        for role, user in users.items()
        if user is not None
    }
    written_chapter, point, quiz = _quizzes(users["trainer"])
    attempts = {
        role: attempt_services.attempt_start(user=user, quiz=quiz)[0]
        for role, user in users.items()
        if user is not None
    }
    marked = _written_answer(users["candidate"], written_chapter)
    from quizzes.models import QuestionBank

    other_bank = QuestionBank.objects.create(name="别人的题库")
    other_response = _written_answer(users["member_b"], written_chapter, bank=other_bank)

    course = course_tree(title="社会工作轮训", kind="rotation_training", modules=1)
    lesson = lessons_of(course)[0]
    for role in ("candidate", "civil_servant", "member_b"):
        course_services.enrollment_create(user=users[role], course=course)

    template = CertificateTemplate.objects.create(
        name="测试模板",
        html=(FIXTURE_DATA / "default.html").read_text(encoding="utf-8"),
        css=(FIXTURE_DATA / "default.css").read_text(encoding="utf-8"),
    )
    programme = CertificateProgramme.objects.create(
        name="社会工作轮训结业证书",
        course=course,
        credit_hours=Decimal(16),
        validity_months=36,
        issuer=units["city"],
        template=template,
    )
    certificates = {
        role: certificate_documents_ensure(
            certificate_issue_by_admin(
                actor=users["city_admin"], holder=users[role], programme=programme, reason="测试"
            )
        )
        for role in ("civil_servant", "member_b")
    }
    objects = {
        "programme": programme,
        "template": template,
        "signing_key": certificates["civil_servant"].signing_key,
        "marked_response": marked,
        "other_response": other_response,
    }
    for role, unit in (("civil_servant", "a"), ("member_b", "b")):
        objects[f"qualification_{unit}"] = ExternalQualification.objects.create(
            user=users[role],
            kind="junior",
            title="证书",
            issuer="人社部",
            issued_on="2026-01-01",
            evidence=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        )
        objects[f"hours_{unit}"] = HoursEntry.objects.create(
            user=users[role],
            title="外部培训",
            provider="培训机构",
            hours=Decimal(4),
            earned_on=timezone.localdate() - datetime.timedelta(days=10),
            evidence=ContentFile(b"%PDF-1.4 hours", name="hours.pdf"),
        )
        objects[f"report_{unit}"] = Report.objects.create(
            institution=units[unit],
            kind="monthly",
            format="xlsx",
            period_start="2026-10-01",
            period_end="2026-11-01",
            state="done",
            file=ContentFile(b"xlsx", name=f"{unit}.xlsx"),
        )
        objects[f"requirement_{unit}"] = TrainingRequirement.objects.create(
            name=f"{unit}轮训",
            institution=units[unit],
            target="course",
            course=course,
            due_rule="months_after_hire",
            due_months=6,
        )
        admin = users[f"admin_{unit}"]
        objects[f"roster_{unit}"] = RosterImport.objects.create(
            uploaded_by=admin,
            file=ContentFile(b"PK roster", name="roster.xlsx"),
            original_name="roster.xlsx",
        )
        objects[f"export_{unit}"] = CertificateExport.objects.create(
            requested_by=admin,
            certificate_ids=[certificates["civil_servant" if unit == "a" else "member_b"].pk],
            state=CertificateExport.State.READY,
            file=ContentFile(b"PK zip", name="export.zip"),
        )
    return World(
        users=users,
        tokens=tokens,
        units=units,
        quiz=quiz,
        attempts=attempts,
        course=course,
        lesson=lesson,
        knowledge_point=point,
        certificates=certificates,
        objects=objects,
    )
