"""Issuing certificates: the rule, exactly once, re-certification, revocation, the PDF."""

import datetime
import re
import threading

import pypdfium2
import pytest
import zxingcpp
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent
from certificates.services.issuance import (
    certificate_documents_ensure,
    certificate_issue_by_admin,
    certificate_issue_if_earned,
    certificate_revoke,
)
from certificates.services.rendering import verify_url
from certificates.services.rules import rule_check
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory, lessons_of

pytestmark = pytest.mark.django_db


def test_the_rule_names_what_is_missing_and_issues_once_met(learner, programme):
    assert rule_check(user=learner, programme=programme).missing == ["Complete the course."]
    assert certificate_issue_if_earned(holder=learner, programme=programme) is None
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    assert re.fullmatch(rf"QH-{timezone.localtime().year}-\d{{6}}", certificate.serial)
    assert len(certificate.code) >= 16
    assert certificate.holder_name == "王晓磊" and certificate.hours == 16
    assert (certificate.expires_at - certificate.issued_at).days in (1095, 1096)  # 36 months
    assert certificate_issue_if_earned(holder=learner, programme=programme) is None
    assert Certificate.objects.filter(holder=learner).count() == 1
    assert list(certificate.events.values_list("action", flat=True)) == ["issued"]


def test_minimum_study_hours_are_part_of_the_rule(learner, programme):
    programme.min_study_hours = 2
    programme.save()
    programme.refresh_from_db()
    complete_course(learner, programme.course)
    check = rule_check(user=learner, programme=programme)
    assert check.missing == ["Study at least 2.0 hours in the course (0.0 so far)."]


def test_serials_count_up(learner, programme):
    other = UserFactory(role="candidate", real_name="李四")
    numbers = []
    for user in (learner, other):
        complete_course(user, programme.course)
        serial = certificate_issue_if_earned(holder=user, programme=programme).serial
        numbers.append(int(serial.rsplit("-", 1)[1]))
    assert numbers[1] == numbers[0] + 1


def test_an_expired_certificate_is_superseded_only_after_a_retake(learner, programme):
    complete_course(learner, programme.course)
    first = certificate_issue_if_earned(holder=learner, programme=programme)
    later = first.expires_at + datetime.timedelta(days=1)
    # The old completion does not count again after expiry.
    assert certificate_issue_if_earned(holder=learner, programme=programme, now=later) is None
    enrollment = learner.enrollments.get(course=programme.course)
    enrollment.completed_at = later - datetime.timedelta(hours=1)  # completed again (a retake)
    enrollment.save()
    second = certificate_issue_if_earned(holder=learner, programme=programme, now=later)
    first.refresh_from_db()
    assert second.serial != first.serial and second.current
    assert not first.current and first.state() == "superseded"
    assert first.events.last().action == CertificateEvent.Action.SUPERSEDED


def test_a_revoked_certificate_is_not_issued_again(learner, programme, city_admin):
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    with pytest.raises(Exception, match="reason"):
        certificate_revoke(actor=city_admin, certificate=certificate, reason=" ")
    certificate = certificate_revoke(actor=city_admin, certificate=certificate, reason="材料造假")
    assert certificate.state() == "revoked"
    event = certificate.events.get(action="revoked")
    assert event.actor == city_admin and event.reason == "材料造假"
    assert certificate_issue_if_earned(holder=learner, programme=programme) is None


def test_admins_issue_and_revoke_only_for_their_own_people(learner, programme, bureau):
    from django.core.exceptions import PermissionDenied

    from institutions.services import membership_set

    own_admin = UserFactory(role="institution_admin")
    membership_set(user=own_admin, institution=bureau["city"], staff_category="civil_servant")
    foreign_admin = UserFactory(role="institution_admin")
    membership_set(user=foreign_admin, institution=bureau["other"], staff_category="civil_servant")
    with pytest.raises(PermissionDenied):
        certificate_issue_by_admin(
            actor=foreign_admin, holder=learner, programme=programme, reason="补发"
        )
    certificate = certificate_issue_by_admin(
        actor=own_admin, holder=learner, programme=programme, reason="线下培训补录"
    )
    assert certificate.events.get().action == "issued_by_admin"
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=foreign_admin, certificate=certificate, reason="误发")
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_the_pdf_has_the_name_and_serial_as_text_and_a_qr_of_the_verify_page(learner, programme):
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    certificate = certificate_documents_ensure(certificate)
    pdf = pypdfium2.PdfDocument(certificate.pdf.open("rb").read())
    page = pdf[0]
    width, height = page.get_size()
    assert width > height  # A4 landscape
    assert round(width / 72 * 25.4) == 297
    text = page.get_textpage().get_text_range()
    assert "王晓磊" in text and certificate.serial in text and "社会工作轮训结业证书" in text
    codes = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    assert [code.text for code in codes] == [verify_url(certificate)]


def test_template_placeholders_are_escaped_and_unknown_ones_refused(learner, programme):
    from django.core.exceptions import ValidationError

    learner.real_name = "<script>x</script>王"
    learner.save()
    complete_course(learner, programme.course)
    certificate = certificate_documents_ensure(
        certificate_issue_if_earned(holder=learner, programme=programme)
    )
    text = pypdfium2.PdfDocument(certificate.pdf.open("rb").read())[0].get_textpage()
    assert "<script>x</script>王" in text.get_text_range()  # shown as text, not markup
    template = programme.template
    template.html += "{{ password }}"
    with pytest.raises(ValidationError, match="password"):
        template.full_clean()


@pytest.mark.django_db(transaction=True)
def test_racing_completion_events_issue_exactly_one_certificate(learner, programme):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (`make test`)")
    programme.is_active = False  # so the worker does not issue it first, on the completion
    programme.save()
    complete_course(learner, programme.course)
    programme.is_active = True
    programme.save()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def issue():
        try:
            barrier.wait()
            results.append(certificate_issue_if_earned(holder=learner, programme=programme))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(1 for r in results if r is not None) == 1
    assert Certificate.objects.filter(holder=learner, programme=programme).count() == 1


def test_retaking_the_course_after_expiry_recertifies(client, learner, programme):
    from courses.services import enrollment_restart

    complete_course(learner, programme.course)
    first = certificate_issue_if_earned(holder=learner, programme=programme)
    from courses.services import enrollment_create

    newcomer = UserFactory(role="candidate")
    enrollment_create(user=newcomer, course=programme.course)
    with pytest.raises(Exception, match="completed course"):
        enrollment_restart(user=newcomer, course=programme.course)
    first.expires_at = timezone.now() - datetime.timedelta(days=1)  # it has expired
    first.save()
    client.force_login(learner)
    client.post(f"/learning/courses/{programme.course.pk}/restart/")
    enrollment = learner.enrollments.get()
    assert enrollment.completed_at is None and not learner.lesson_progress.exists()
    assert certificate_issue_if_earned(holder=learner, programme=programme) is None
    for lesson in lessons_of(programme.course):
        client.post(f"/learning/lessons/{lesson.pk}/complete/")
    second = certificate_issue_if_earned(holder=learner, programme=programme)
    first.refresh_from_db()
    assert second is not None and first.state() == "superseded"


def test_template_preview_for_its_authors_only(client, programme):
    url = f"/certificates/templates/{programme.template.pk}/preview/"
    client.force_login(UserFactory(role="trainer"))
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
    assert "张晓晴" in text
    listing = client.get("/admin/snippets/certificates/certificatetemplate/").content.decode()
    assert url in listing
    client.force_login(UserFactory(role="candidate"))
    assert client.get(url).status_code == 403
