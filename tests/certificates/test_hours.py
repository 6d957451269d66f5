"""The hours ledger: certificates add their hours, training elsewhere counts once approved, and
the registration period shows what is earned against what is required."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.hours import current_period
from certificates.models import HoursState
from certificates.services.hours import (
    external_hours_review,
    external_hours_submit,
    registration_set,
)
from certificates.services.issuance import certificate_issue_if_earned, certificate_revoke
from institutions.services import membership_set
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(content=PDF, name="证明.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def admins(bureau):
    own = UserFactory(role="institution_admin")
    membership_set(user=own, institution=bureau["city"], staff_category="civil_servant")
    foreign = UserFactory(role="institution_admin")
    membership_set(user=foreign, institution=bureau["other"], staff_category="civil_servant")
    return own, foreign


def test_period_counts_certificates_and_approved_hours_only(learner, programme, admins, city_admin):
    own_admin, foreign_admin = admins
    today = datetime.date.today()
    registration_set(
        user=learner, level="junior", registered_on=today - datetime.timedelta(days=400)
    )
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    period = current_period(learner)
    assert period.required == 72 and period.earned == Decimal(16) and period.missing == 56

    entry = external_hours_submit(
        user=learner,
        title="老年社会工作专题培训",
        provider="江城市社会工作协会",
        hours=Decimal("12.5"),
        earned_on=today - datetime.timedelta(days=10),
        evidence=_evidence(),
    )
    period = current_period(learner)
    assert period.earned == Decimal(16) and period.pending == Decimal("12.5")
    with pytest.raises(PermissionDenied):
        external_hours_review(actor=foreign_admin, entry=entry, approve=True)
    with pytest.raises(ValidationError, match="not accepted"):
        external_hours_review(actor=own_admin, entry=entry, approve=False)
    entry = external_hours_review(actor=own_admin, entry=entry, approve=True)
    assert entry.state == HoursState.APPROVED and entry.reviewed_by == own_admin
    with pytest.raises(ValidationError, match="already reviewed"):
        external_hours_review(actor=own_admin, entry=entry, approve=False, note="重复")
    assert current_period(learner).earned == Decimal("28.5")

    certificate_revoke(actor=city_admin, certificate=certificate, reason="撤销")
    assert current_period(learner).earned == Decimal("12.5")  # a revoked certificate's hours go


def test_periods_are_three_years_and_renewal_opens_three_months_before(learner):
    registration_set(user=learner, level="intermediate", registered_on=datetime.date(2020, 3, 1))
    period = current_period(learner, today=datetime.date(2026, 11, 29))
    assert (period.start, period.end) == (datetime.date(2026, 3, 1), datetime.date(2029, 3, 1))
    assert period.required == 90 and not period.in_renewal_window
    late = current_period(learner, today=datetime.date(2029, 1, 15))
    assert late.start == datetime.date(2026, 3, 1) and late.in_renewal_window
    assert late.renewal_opens == datetime.date(2028, 12, 1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"evidence": _evidence(b"MZ\x90\x00 not a document", "x.pdf")}, "evidence"),
        ({"evidence": _evidence(b"%PDF" + b"0" * (5 * 1024 * 1024 + 1))}, "evidence"),
        ({"evidence": None}, "evidence"),
        ({"hours": Decimal(0)}, "hours"),
        ({"earned_on": datetime.date.today() + datetime.timedelta(days=1)}, "earned_on"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_external_hours_are_refused_and_nothing_is_stored(learner, fields, field):
    values = {
        "title": "培训",
        "provider": "协会",
        "hours": Decimal(3),
        "earned_on": datetime.date.today(),
        "evidence": _evidence(),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        external_hours_submit(user=learner, **values)
    assert field in error.value.message_dict
    assert not learner.hours_entries.exists()


def test_hours_page_and_review_page(client, learner, admins):
    own_admin, foreign_admin = admins
    client.force_login(learner)
    page = client.post(
        "/certificates/hours/",
        {"reg-level": "junior", "reg-registered_on": "2025-01-10"},
    )
    assert page.status_code == 302
    page = client.post(
        "/certificates/hours/",
        {
            "ext-title": "社区治理培训",
            "ext-provider": "东湖区民政局",
            "ext-hours": "6",
            "ext-earned_on": datetime.date.today().isoformat(),
            "ext-evidence": _evidence(),
        },
    )
    assert page.status_code == 302
    html = client.get("/certificates/hours/").content.decode()
    assert "社区治理培训" in html and 'data-required="72"' in html
    entry = learner.hours_entries.get()
    assert client.get(f"/certificates/hours/{entry.pk}/evidence/").status_code == 200

    client.force_login(foreign_admin)
    assert "社区治理培训" not in client.get("/certificates/hours/review/").content.decode()
    assert client.get(f"/certificates/hours/{entry.pk}/evidence/").status_code == 404
    client.force_login(UserFactory(role="candidate"))
    assert client.get(f"/certificates/hours/{entry.pk}/evidence/").status_code == 404
    assert client.get("/certificates/hours/review/").status_code == 403

    client.force_login(own_admin)
    assert "社区治理培训" in client.get("/certificates/hours/review/").content.decode()
    client.post("/certificates/hours/review/", {"entry": entry.pk, "decision": "approve"})
    entry.refresh_from_db()
    assert entry.state == HoursState.APPROVED


def test_transcript_lists_certificates_and_hours(client, learner, programme, admins):
    import pypdfium2

    own_admin, foreign_admin = admins
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    client.force_login(learner)
    response = client.get("/certificates/transcript/")
    text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert certificate.serial in text and "王晓磊" in text
    assert "有效" in text and "valid" not in text  # the state in words, in Chinese
    url = f"/certificates/people/{learner.pk}/transcript/"
    client.force_login(own_admin)
    assert client.get(url).status_code == 200
    client.force_login(foreign_admin)
    assert client.get(url).status_code == 404
