"""Who sees what: every institution page, file and API endpoint × every role. An institution
admin sees their own subtree only; anything else is a 404 (never a hint that it exists)."""

import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from institutions.reporting.models import (
    ExternalQualification,
    Report,
    TrainingRequirement,
)
from tests.factories import UserFactory
from tests.reporting.conftest import admin_of, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city, admins, rotation):
    member_a = person(city["a1"], name="东湖学员")
    supervisor = UserFactory(role="supervisor", real_name="督导")
    person(city["a2"], name="被督导人", supervisor=supervisor)
    member_b = person(city["b1"], name="西山学员")
    requirement = TrainingRequirement.objects.create(
        name="东湖轮训",
        institution=city["a"],
        target="course",
        course=rotation,
        due_rule="months_after_hire",
        due_months=6,
    )
    qualification = ExternalQualification.objects.create(
        user=member_a,
        kind="junior",
        title="证书",
        issuer="人社部",
        issued_on="2026-01-01",
        evidence=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
    )
    report = Report.objects.create(
        institution=city["a"],
        kind="monthly",
        format="xlsx",
        period_start="2026-10-01",
        period_end="2026-11-01",
        state="done",
        file=ContentFile(b"xlsx", name="a.xlsx"),
    )
    return {
        "anonymous": None,
        "candidate": member_a,
        "supervisor": supervisor,
        "admin_a": admins["a"],
        "admin_b": admins["b"],
        "city_admin": UserFactory(role="city_admin"),
        "a": city["a"],
        "member_b": member_b,
        "requirement": requirement,
        "qualification": qualification,
        "report": report,
    }


def pages_of_a(world) -> dict[str, str]:
    a = world["a"].pk
    report = world["report"].pk
    return {
        "dashboard": f"{reverse('institution-dashboard')}?unit={a}",
        "people": f"{reverse('institution-people')}?unit={a}",
        "reports": f"{reverse('institution-reports')}?unit={a}",
        "report": reverse("institution-report", args=[report]),
        "report status": reverse("institution-report-status", args=[report]),
        "report file": reverse("institution-report-download", args=[report]),
        "requirement": reverse("requirement-edit", args=[world["requirement"].pk]),
        "evidence": reverse("qualification-evidence", args=[world["qualification"].pk]),
        "api statistics": reverse("api:institution-statistics", args=[a]),
    }


# Expected status of each role on A's pages: 200 seen, 404 not theirs, 302 log in first.
EXPECTED = {
    "anonymous": {"api statistics": 401, "*": 302},
    "candidate": {"evidence": 200, "*": 404},  # the evidence is the candidate's own
    "supervisor": {"*": 404},
    "admin_a": {"*": 200},
    "admin_b": {"*": 404},
    "city_admin": {"*": 200},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_matrix_of_roles_and_pages(world, client, role):
    user = world[role]
    if user is not None:
        client.force_login(user)
    got = {name: client.get(url).status_code for name, url in pages_of_a(world).items()}
    expected = {name: EXPECTED[role].get(name, EXPECTED[role]["*"]) for name in got}
    if role == "anonymous":
        expected["api statistics"] = (
            got["api statistics"]
            if got["api statistics"]
            in (
                401,
                403,
            )
            else 401
        )
    assert got == expected


def test_only_a_supervisor_has_a_team(world, client):
    client.force_login(world["supervisor"])
    page = client.get(reverse("supervisor-team"))
    assert page.status_code == 200 and "被督导人" in page.content.decode()
    assert "东湖学员" not in page.content.decode()
    client.force_login(world["admin_b"])
    assert client.get(reverse("supervisor-team")).status_code == 404


def test_an_admin_sees_only_their_subtree_in_lists_and_the_api(world, client):
    client.force_login(world["admin_a"])
    dashboard = client.get(reverse("institution-dashboard")).content.decode()
    assert "东湖区" in dashboard and "西山" not in dashboard
    people = client.get(reverse("institution-people")).content.decode()
    assert "东湖学员" in people and "西山学员" not in people
    codes = [row["code"] for row in client.get(reverse("api:institution-list")).json()]
    assert codes == ["t-a", "t-a1", "t-a2"]
    reviews = client.get(reverse("qualification-reviews")).content.decode()
    assert "东湖学员" in reviews
    client.force_login(world["admin_b"])
    assert "东湖学员" not in client.get(reverse("qualification-reviews")).content.decode()
    assert "东湖轮训" not in client.get(reverse("requirement-list")).content.decode()


def test_another_institutions_unit_is_404_and_nothing_is_exported(
    world, client, city, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(world["admin_a"])
    for unit in (city["b"].pk, city["city"].pk, 999999, "x"):
        assert client.get(f"{reverse('institution-dashboard')}?unit={unit}").status_code == 404
        assert client.get(f"{reverse('institution-people')}?unit={unit}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("institution-reports"), {"unit": city["b"].pk, "format": "xlsx"}
        )
    assert refused.status_code == 404
    assert Report.objects.count() == 1
    assert client.get(reverse("api:institution-statistics", args=[city["b"].pk])).status_code == 404


def test_an_admins_export_holds_their_people_only(
    world, client, city, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("institution-reports"), {"unit": city["a"].pk, "format": "xlsx"}
        )
    report = Report.objects.latest("created_at")
    assert response.url == reverse("institution-report", args=[report.pk])
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("institution-report-download", args=[report.pk])).getvalue())
    )
    people = workbook.worksheets[2]  # Summary, Units, People, …
    names = [row[0] for row in people.iter_rows(min_row=2, values_only=True)]
    assert "东湖学员" in names and "西山学员" not in names
    # Someone else's admin cannot fetch it.
    client.force_login(world["admin_b"])
    assert client.get(reverse("institution-report-download", args=[report.pk])).status_code == 404


def test_a_nested_admin_cannot_see_the_district_above(city, client):
    unit_admin = admin_of(city["a1"], name="民政局管理员")
    client.force_login(unit_admin)
    assert client.get(f"{reverse('institution-dashboard')}?unit={city['a'].pk}").status_code == 404
    assert client.get(f"{reverse('institution-dashboard')}?unit={city['a1'].pk}").status_code == 200
