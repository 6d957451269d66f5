"""Phones and phone-like usernames are masked in lists and exports; a person's record page shows
them in full to the admins who must reach the person, and to nobody else."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from institutions.personal_data import mask_email, mask_id, mask_login, mask_phone
from institutions.reporting.services.reports import report_render
from institutions.reporting.statistics import Period
from institutions.services import membership_set
from lms.models import AuditAction, AuditEvent
from tests.factories import UserFactory
from tests.reporting.conftest import admin_of

pytestmark = pytest.mark.django_db
PHONE, MASKED = "13812345678", "138****5678"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def imported(city):
    """Someone a roster made without a name: the phone is their username."""
    user = UserFactory(
        role="candidate", username=PHONE, real_name="", phone=PHONE, email="lina@example.com"
    )
    membership_set(user=user, institution=city["a1"], staff_category="social_worker")
    return user


def test_the_masks():
    assert mask_phone(PHONE) == MASKED
    assert mask_id("110101199003071234") == "110***********1234"
    assert mask_email("lina@example.com") == "l***@example.com"
    assert mask_login(PHONE) == MASKED and mask_login(f"{PHONE}-2") == f"{MASKED}-2"
    assert mask_login("lina@example.com") == "l***@example.com"
    assert mask_login("zhangsan") == "zhangsan"
    assert mask_phone("") == "" and mask_id("") == ""


def test_the_people_list_masks_a_phone_standing_in_for_a_name(city, admins, imported, client):
    client.force_login(admins["a"])
    page = client.get(f"{reverse('institution-people')}?unit={city['a'].pk}").content.decode()
    assert MASKED in page and PHONE not in page
    assert reverse("person-record", args=[imported.pk]) in page


def test_a_supervisors_team_list_masks_it(city, imported, client):
    boss = UserFactory(role="supervisor", real_name="组长")
    membership_set(user=boss, institution=city["a1"], staff_category="civil_servant")
    membership_set(
        user=imported, institution=city["a1"], staff_category="social_worker", supervisor=boss
    )
    client.force_login(boss)
    page = client.get(reverse("supervisor-team")).content.decode()
    assert MASKED in page and PHONE not in page
    assert client.get(reverse("person-record", args=[imported.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_files_mask_it(city, imported, fmt):
    content = report_render(institution=city["a"], period=Period.year(2026), fmt=fmt)
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        names = [row["Name"] for row in csv.DictReader(io.StringIO(text))]
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        names = [row[0] for row in workbook["People"].iter_rows(min_row=2, values_only=True)]
        text = "".join(str(cell) for sheet in workbook for row in sheet.values for cell in row)
    assert MASKED in names
    assert PHONE not in text and "lina@example.com" not in text


def test_the_record_page_shows_the_phone_to_the_persons_admins(city, admins, imported, client):
    url = reverse("person-record", args=[imported.pk])
    client.force_login(admins["a"])
    page = client.get(url).content.decode()
    assert f'data-contact="phone">{PHONE}<' in page and "lina@example.com" in page
    event = AuditEvent.objects.get(action=AuditAction.PERSON_RECORD_VIEWED)
    assert (event.actor, event.subject) == (admins["a"], imported)
    city_admin = admin_of(city["city"], role="city_admin", name="市管理员")
    client.force_login(city_admin)
    assert f'data-contact="phone">{PHONE}<' in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["other_district_admin", "trainer", "candidate"])
def test_nobody_else_opens_the_record(city, admins, imported, client, role):
    viewer = {
        "other_district_admin": admins["b"],
        "trainer": UserFactory(role="trainer"),
        "candidate": UserFactory(role="candidate"),
    }[role]
    client.force_login(viewer)
    assert client.get(reverse("person-record", args=[imported.pk])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_certificate_desk_masks_a_phone_standing_in_for_a_name(city, admins, imported, client):
    client.force_login(admins["a"])
    page = client.get(reverse("certificate-desk")).content.decode()
    assert MASKED in page and PHONE not in page
