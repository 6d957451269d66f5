"""The personal-data audit log: what writes an event, and the city admins' page that reads it."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateExport
from institutions.reporting.models import Report, ReportFormat, ReportKind, ReportState
from lms.audit import audit_record
from lms.models import AuditAction, AuditEvent
from tests.factories import UserFactory
from tests.reporting.conftest import admin_of, person

pytestmark = pytest.mark.django_db
URL = "/institutions/audit/"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def city_admin_user(city):
    return admin_of(city["city"], role="city_admin", name="市管理员")


def test_only_city_admins_read_the_log(city, admins, client, city_admin_user):
    assert client.get(URL).status_code == 302  # to the login page
    for viewer in (admins["a"], UserFactory(role="candidate"), UserFactory(role="supervisor")):
        client.force_login(viewer)
        assert client.get(URL).status_code == 403
    client.force_login(city_admin_user)
    assert client.get(URL).status_code == 200
    assert f'href="{URL}"' in client.get("/notices/").content.decode()  # in the menu
    client.force_login(admins["a"])
    assert f'href="{URL}"' not in client.get("/notices/").content.decode()


def test_events_are_listed_newest_first_and_filtered(city, admins, client, city_admin_user):
    lina, zhou = person(city["a1"], name="李娜"), person(city["a1"], name="周杰")
    old = audit_record(action=AuditAction.PERSON_RECORD_VIEWED, actor=admins["a"], subject=lina)
    AuditEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    audit_record(action=AuditAction.REPORT_DOWNLOADED, actor=admins["b"], subject=None)
    audit_record(action=AuditAction.PERSONAL_DATA_EXPORTED, actor=zhou, subject=zhou)
    client.force_login(city_admin_user)
    page = client.get(URL).content.decode()
    rows = re.findall(r'data-action="(\w+)"', page)
    assert rows == ["personal_data_exported", "report_downloaded", "person_record_viewed"]
    assert "Personal data exported" in page.split("<tbody>")[1]

    def actions(**query):
        return re.findall(r'data-action="(\w+)"', client.get(URL, query).content.decode())

    assert actions(action="report_downloaded") == ["report_downloaded"]
    assert actions(person="李娜") == ["person_record_viewed"]
    assert actions(actor=admins["b"].username) == ["report_downloaded"]
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert sorted(actions(start=since)) == ["personal_data_exported", "report_downloaded"]
    bad = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "The start date is after the end date." in bad and "data-action=" not in bad


def test_the_page_costs_the_same_queries_however_many_events(city, admins, client, city_admin_user):
    client.force_login(city_admin_user)
    audit_record(action=AuditAction.REPORT_DOWNLOADED, actor=admins["a"], institution=city["a"])
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(60):
        audit_record(action=AuditAction.REPORT_DOWNLOADED, actor=admins["a"], institution=city["a"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert len(many) == len(few)
    assert "1 / 2" in page.content.decode()  # paginated, 50 a page


def test_a_report_download_is_audited(city, admins, client):
    report = Report.objects.create(
        institution=city["a"],
        kind=ReportKind.ON_DEMAND,
        format=ReportFormat.CSV,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2027, 1, 1),
        requested_by=admins["a"],
        state=ReportState.DONE,
    )
    report.file.save("r.csv", ContentFile(b"\xef\xbb\xbfName\n"))
    client.force_login(admins["a"])
    response = client.get(reverse("institution-report-download", args=[report.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.institution) == (
        AuditAction.REPORT_DOWNLOADED,
        admins["a"],
        city["a"],
    )
    assert event.detail["report"] == report.pk and event.request_id


def test_a_certificate_export_download_is_audited(city, admins, client):
    export = CertificateExport.objects.create(
        requested_by=admins["a"], certificate_ids=[1, 2], state=CertificateExport.State.READY
    )
    export.file.save("c.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    client.force_login(admins["a"])
    assert client.get(reverse("certificate-export", args=[export.pk])).status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.EXPORT_DOWNLOADED and event.detail["certificates"] == 2


def test_a_transcript_of_someone_else_is_audited(city, admins, client):
    lina = person(city["a1"], name="李娜")
    client.force_login(admins["a"])
    assert client.get(reverse("transcript-of", args=[lina.pk])).status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.PERSON_RECORD_VIEWED and event.subject == lina
    assert "李娜" in event.subject_label


def test_opening_a_user_in_the_wagtail_admin_is_audited(city, client, city_admin_user):
    lina = person(city["a1"], name="李娜")
    client.force_login(city_admin_user)
    assert client.get(f"/admin/users/edit/{lina.pk}/").status_code == 200
    event = AuditEvent.objects.get()
    assert event.subject == lina and event.detail == {"record": "admin_user_edit"}
