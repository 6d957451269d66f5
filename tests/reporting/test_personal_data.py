"""A person's own data: downloading all of it, and deleting the account (anonymisation)."""

import io
import json
import random

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from certificates.services.credentials import credential_verify
from certificates.services.issuance import certificate_documents_ensure, certificate_issue_if_earned
from institutions.models import Membership
from institutions.reporting.models import ExternalQualification, QualificationKind
from institutions.reporting.statistics import Period, statistics
from institutions.services import institution_create, membership_set
from lms.models import AuditAction, AuditEvent
from lms.two_factor import recovery_codes_renew
from quizzes.models import Attempt, Quiz
from quizzes.services import attempts as attempt_services
from tests.certificates.conftest import complete_course, programme_for
from tests.factories import (
    PASSWORD,
    ChapterFactory,
    KnowledgePointFactory,
    SubjectFactory,
    UserFactory,
    question,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def bureau(db):
    city = institution_create(name="江城市", code="pd-city", kind="city")
    unit = institution_create(
        name="江城市民政局", code="pd-bureau", kind="civil_affairs", parent=city
    )
    return {"city": city, "bureau": unit}


@pytest.fixture
def learner(bureau):
    user = UserFactory(role="candidate", real_name="王晓磊")
    membership_set(user=user, institution=bureau["bureau"], staff_category="civil_servant")
    return user


@pytest.fixture
def programme(bureau):
    return programme_for(bureau["bureau"])


@pytest.fixture
def quiz(db):
    chapter = ChapterFactory(subject=SubjectFactory(code="PD-SUB"), number=1)
    point = KnowledgePointFactory(chapter=chapter)
    for _ in range(3):
        question(chapter=chapter, knowledge_points=[point])
    practice = Quiz.objects.create(
        title="章节练习", kind="practice", subject=chapter.subject, question_count=2
    )
    practice.chapters.set([chapter])
    return practice


def answered_attempt(user, quiz) -> Attempt:
    attempt, _created = attempt_services.attempt_start(
        user=user, quiz=quiz, rng=random.Random(user.pk)
    )
    response = attempt.responses.get(position=1)
    attempt_services.response_save(
        user=user,
        attempt_id=attempt.pk,
        position=1,
        answer=[response.option_order[0]],
        seq=1,
    )
    return attempt


@pytest.fixture
def certified(learner, programme):
    learner.phone = "13812345678"
    learner.email = "wangxl@example.com"
    learner.save()
    complete_course(learner, programme.course)
    return certificate_documents_ensure(
        certificate_issue_if_earned(holder=learner, programme=programme)
    )


def test_the_profile_links_to_the_export_and_the_deletion(client, learner):
    client.force_login(learner)
    html = client.get("/accounts/profile/").content.decode()
    assert "/accounts/my-data.json" in html and "/accounts/my-data.xlsx" in html
    assert "/accounts/delete/" in html


def test_the_json_export_holds_my_data_and_nobody_elses(client, learner, certified, quiz):
    other = UserFactory(real_name="别人", phone="13900000000")
    mine, theirs = answered_attempt(learner, quiz), answered_attempt(other, quiz)
    client.force_login(learner)
    response = client.get("/accounts/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"][0]["real_name"] == "王晓磊"
    assert data["account"][0]["phone"] == "13812345678"
    assert [row["institution_name"] for row in data["memberships"]] == ["江城市民政局"]
    assert [row["serial"] for row in data["certificates"]] == [certified.serial]
    assert data["certificates"][0]["code"] == certified.code
    assert data["enrolments"] and data["lesson_progress"]
    assert [row["id"] for row in data["attempts"]] == [mine.pk]
    assert {row["attempt_id"] for row in data["answers"]} == {mine.pk}
    assert any(row["answer"] for row in data["answers"])
    text = response.content.decode()
    assert "别人" not in text and "13900000000" not in text
    assert theirs.pk not in [row["id"] for row in data["attempts"]]
    assert AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_EXPORTED, subject=learner, actor=learner
    ).exists()


def test_the_xlsx_export_opens_with_one_sheet_per_kind(client, learner, certified, quiz):
    answered_attempt(learner, quiz)
    client.force_login(learner)
    response = client.get("/accounts/my-data.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"account", "memberships", "attempts", "answers", "certificates", "audit_events"} <= set(
        workbook.sheetnames
    )
    account = list(workbook["account"].values)
    assert "王晓磊" in account[1] and "13812345678" in account[1]
    certificates = list(workbook["certificates"].values)
    assert certified.serial in certificates[1]


def test_an_unknown_export_format_is_not_found(client, learner):
    client.force_login(learner)
    assert client.get("/accounts/my-data.csv").status_code == 404


def test_the_export_needs_a_login(client):
    response = client.get("/accounts/my-data.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deletion_refuses_a_wrong_password_and_changes_nothing(client, learner):
    client.force_login(learner)
    page = client.post("/accounts/delete/", {"password": "not-my-password"})
    assert page.status_code == 200
    assert "That is not your password" in page.content.decode()
    learner.refresh_from_db()
    assert learner.real_name == "王晓磊" and learner.is_active
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_ANONYMISED).exists()


def test_deletion_anonymises_the_account_and_keeps_statistics_and_certificates(
    client, learner, certified, bureau, django_capture_on_commit_callbacks
):
    evidence = ExternalQualification.objects.create(
        user=learner,
        kind=QualificationKind.choices[0][0],
        title="助理社会工作师",
        number="2024-SW-0001234",
        issuer="人社部",
        issued_on="2024-06-01",
        evidence=SimpleUploadedFile("证书.pdf", b"%PDF-1.4 evidence"),
    )
    stored = evidence.evidence.storage, evidence.evidence.name
    assert stored[0].exists(stored[1])
    token = Token.objects.create(user=learner)
    period = Period.year(certified.issued_at.year)
    before = statistics(bureau["bureau"], period).summary

    client.force_login(learner)
    assert client.get("/accounts/delete/").status_code == 200
    # Signed in, they had turned on two-factor sign-in.
    TOTPDevice.objects.create(user=learner, name="Qihang", confirmed=True)
    recovery_codes_renew(user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/accounts/delete/", {"password": PASSWORD})
    assert page.status_code == 200 and "data-account-deleted" in page.content.decode()

    person = User.objects.get(pk=learner.pk)
    assert person.username == f"deleted-{person.pk}"
    assert (person.real_name, person.phone, person.email) == ("", "", "")
    assert not person.is_active and not person.has_usable_password()
    assert not person.groups.exists()
    assert not Token.objects.filter(pk=token.pk).exists()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert not client.login(username="13812345678", password=PASSWORD)
    assert not client.login(username=learner.username, password=PASSWORD)
    # the old session is gone too
    assert client.get("/accounts/profile/").status_code == 302
    # names and numbers are gone from the database
    assert not User.objects.filter(real_name="王晓磊").exists()
    assert not User.objects.filter(phone="13812345678").exists()
    evidence.refresh_from_db()
    assert evidence.number == "" and not evidence.evidence
    assert not stored[0].exists(stored[1])
    membership = Membership.objects.get(user=person)
    assert membership.institution == bureau["bureau"] and membership.post == ""
    # the institution still counts the completion and the certificate
    after = statistics(bureau["bureau"], period).summary
    assert after["people"] == before["people"]
    assert after["enrolments_completed"] == before["enrolments_completed"] == 1
    assert after["certificates_valid"] == before["certificates_valid"] == 1
    # the certificate still verifies, without the name; its signed credential is untouched
    certified.refresh_from_db()
    html = client.get(f"/certificates/verify/{certified.code}/").content.decode()
    assert 'data-verify-state="valid"' in html and "Deleted user" in html
    assert "王" not in html.split("Holder", 1)[1].split("Programme", 1)[0]
    assert credential_verify(certified.credential).status == "valid"
    actions = set(AuditEvent.objects.filter(subject=person).values_list("action", flat=True))
    assert {AuditAction.DELETION_REQUESTED, AuditAction.PERSON_ANONYMISED} <= actions
    assert not AuditEvent.objects.filter(subject_label__contains="王晓磊").exists()


def test_an_operator_anonymises_a_person_with_a_reason(learner):
    call_command("anonymise_person", learner.username, reason="书面申请 2026-01", yes=True)
    learner.refresh_from_db()
    assert learner.username == f"deleted-{learner.pk}" and learner.real_name == ""
    event = AuditEvent.objects.get(action=AuditAction.PERSON_ANONYMISED)
    assert event.detail["reason"] == "书面申请 2026-01" and event.actor is None
