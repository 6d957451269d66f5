"""Roster import pages: who may use them, the template, upload → check → import, progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from institutions.models import Membership, RosterImport
from institutions.roster.services import roster_import_apply, roster_import_check
from institutions.services import membership_set
from tests.factories import UserFactory
from tests.institutions.conftest import HEADER, xlsx

pytestmark = pytest.mark.django_db

ROW = ["李娜", "13800000001", "lina@example.com", "donghu-mz", "公务员", "科员", "2021-03-01", ""]


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Upload through the page, then run the queued check as the worker would."""

    def _upload(content: bytes, name: str = "名单.xlsx"):
        with django_capture_on_commit_callbacks() as queued:
            response = client.post(
                "/institutions/roster/", {"file": SimpleUploadedFile(name, content)}
            )
        assert response.status_code == 302, response.content
        roster_import = RosterImport.objects.latest("pk")
        assert response["Location"] == f"/institutions/roster/{roster_import.pk}/"
        assert len(queued) == 1
        return roster_import

    return _upload


def test_upload_check_preview_and_import_through_the_pages(
    client, admin, tree, upload, django_capture_on_commit_callbacks, outbox
):
    client.force_login(admin)
    page = client.get("/institutions/roster/").content.decode()
    assert "/institutions/roster/template.xlsx" in page

    roster_import = upload(xlsx([ROW]))
    # while the worker has not got to it, the page shows progress and says to reload
    busy = client.get(f"/institutions/roster/{roster_import.pk}/").content.decode()
    assert "Checking" in busy and "Reload the page" in busy and "institutions/roster.js" in busy
    progress = client.get(f"/institutions/roster/{roster_import.pk}/progress.json").json()
    assert progress == {
        "state": "validating",
        "state_label": "Checking",
        "finished": False,
        "done": 0,
        "total": 0,
    }

    roster_import_check(import_id=roster_import.pk)
    html = client.get(f"/institutions/roster/{roster_import.pk}/").content.decode()
    assert "李娜" in html and "东湖区民政局" in html and "Add new person" in html
    assert 'type="submit">Import</button>' in html
    assert Membership.objects.filter(user__real_name="李娜").count() == 0
    progress = client.get(f"/institutions/roster/{roster_import.pk}/progress.json").json()
    assert progress["finished"] and progress["done"] == progress["total"] == 1

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/institutions/roster/{roster_import.pk}/")
    assert response.status_code == 302 and len(queued) == 1
    applying = client.get(f"/institutions/roster/{roster_import.pk}/progress.json").json()
    assert applying["state"] == "applying" and not applying["finished"]
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_apply(import_id=roster_import.pk)
    done = client.get(f"/institutions/roster/{roster_import.pk}/").content.decode()
    assert "Applied" in done and "Invitations sent" in done
    assert Membership.objects.get(user__real_name="李娜").institution == tree["bureau"]
    assert len(outbox) == 1


def test_errors_are_listed_with_rows_and_there_is_no_import_button(client, admin, tree, upload):
    client.force_login(admin)
    bad = ["张三", "12345", "", "xishan", "公务员", "", "2025-02-30", ""]
    roster_import = upload(xlsx([ROW, bad]))
    roster_import_check(import_id=roster_import.pk)
    html = client.get(f"/institutions/roster/{roster_import.pk}/").content.decode()
    assert "Has errors" in html and "Nothing was imported" in html
    assert "<td>3</td><td>手机号</td>" in html
    assert "Unknown institution code “xishan”" in html
    assert "2025-02-30 is not a real date" in html
    assert 'type="submit">Import</button>' not in html
    client.post(f"/institutions/roster/{roster_import.pk}/")  # pressing anyway does nothing
    assert RosterImport.objects.get(pk=roster_import.pk).state == RosterImport.State.INVALID
    assert not Membership.objects.filter(user__real_name="李娜").exists()


def test_only_xlsx_and_csv_files_are_accepted(client, admin):
    client.force_login(admin)
    response = client.post(
        "/institutions/roster/", {"file": SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0")}
    )
    assert response.status_code == 200
    assert "Upload an .xlsx or a .csv file." in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_template_has_the_headers_a_category_list_and_the_admins_codes(client, admin, tree):
    client.force_login(admin)
    response = client.get("/institutions/roster/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, codes = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A2"].value == "张三"
    [validation] = sheet.data_validations.dataValidation
    assert "社会工作者" in validation.formula1 and "E2" in str(validation.sqref)
    listed = {row[0]: row[1] for row in codes.iter_rows(min_row=2, values_only=True)}
    assert listed == {
        "donghu": "东湖区",
        "donghu-mz": "东湖区民政局",
        "donghu-cq": "长青街道社会工作站",
    }


def test_the_filled_in_template_imports(client, admin, tree, check_file, apply_import):
    client.force_login(admin)
    workbook = load_workbook(io.BytesIO(client.get("/institutions/roster/template.xlsx").content))
    sheet = workbook.worksheets[0]
    sheet.append(["周杰", "13800000002", "", "donghu-cq", "社区工作者", "", "2024-01-02", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    roster_import = apply_import(admin, check_file(admin, buffer.getvalue()))
    assert roster_import.state == RosterImport.State.APPLIED
    assert roster_import.create_count == 2  # the example row and ours
    assert [line["row"] for line in roster_import.preview] == [2, 3]  # as Excel numbers them
    assert Membership.objects.get(user__phone="13800000002").staff_category == "community_worker"


# -- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/institutions/roster/",
        "/institutions/roster/template.xlsx",
    ],
)
@pytest.mark.parametrize(("role", "status"), [("candidate", 403), ("trainer", 403), (None, 302)])
def test_people_who_are_not_admins_are_refused(client, tree, url, role, status):
    if role:
        client.force_login(UserFactory(role=role))
    assert client.get(url).status_code == status


def test_a_city_admin_may_import_anywhere(client, tree, city_admin):
    client.force_login(city_admin)
    response = client.get("/institutions/roster/template.xlsx")
    codes = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert {row[0] for row in codes.iter_rows(min_row=2, values_only=True)} >= {"xishan", "city"}


def test_another_admins_import_is_not_found(client, admin, xishan_admin, tree, upload):
    client.force_login(admin)
    roster_import = upload(xlsx([ROW]))
    roster_import_check(import_id=roster_import.pk)
    for other in (xishan_admin, _colleague(tree)):
        client.force_login(other)
        for url in (
            f"/institutions/roster/{roster_import.pk}/",
            f"/institutions/roster/{roster_import.pk}/progress.json",
        ):
            assert client.get(url).status_code == 404
        assert client.post(f"/institutions/roster/{roster_import.pk}/").status_code == 404
    assert RosterImport.objects.get(pk=roster_import.pk).state == RosterImport.State.READY
    client.force_login(UserFactory(role="candidate"))
    assert client.get(f"/institutions/roster/{roster_import.pk}/").status_code == 403


def _colleague(tree):
    """Another admin of the same institution: still not their import."""
    colleague = UserFactory(role="institution_admin")
    membership_set(user=colleague, institution=tree["donghu"], staff_category="civil_servant")
    return colleague


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xlsx", b"MZ\x90\x00" + b"\x00" * 64, "not a real Excel workbook (.xlsx)"),
        ("名单.csv", b"<html><script>alert(1)</script></html>", "not a real CSV table"),
        ("名单.csv", b"a,b\n" * 400_000, "larger than 1 MB"),
    ],
)
def test_an_upload_that_is_not_a_roster_is_refused_on_the_page_and_not_stored(
    client, admin, settings, name, content, message
):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(admin)
    response = client.post("/institutions/roster/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()
