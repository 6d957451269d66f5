import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from institutions.models import RosterImport
from institutions.roster.services import (
    roster_import_apply,
    roster_import_apply_request,
    roster_import_check,
    roster_import_create,
)
from institutions.services import institution_create, membership_set
from tests.factories import UserFactory

HEADER = ["姓名", "手机号", "邮箱", "单位编码", "人员类别", "岗位", "入职日期", "直属上级手机号"]


@pytest.fixture(autouse=True)
def _english_messages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # pages as an English reader sees them
    with translation.override("en"):
        yield


@pytest.fixture
def tree(db):
    city = institution_create(name="江城市", code="city", kind="city")
    donghu = institution_create(name="东湖区", code="donghu", kind="district", parent=city)
    city.refresh_from_db()
    xishan = institution_create(name="西山区", code="xishan", kind="district", parent=city)
    donghu.refresh_from_db()
    bureau = institution_create(
        name="东湖区民政局", code="donghu-mz", kind="civil_affairs", parent=donghu
    )
    donghu.refresh_from_db()
    station = institution_create(
        name="长青街道社会工作站", code="donghu-cq", kind="street_station", parent=donghu
    )
    return {"city": city, "donghu": donghu, "xishan": xishan, "bureau": bureau, "station": station}


@pytest.fixture
def admin(tree):
    """The institution admin of 东湖区 (and so of its bureau and station)."""
    user = UserFactory(role="institution_admin", real_name="陈静")
    membership_set(user=user, institution=tree["donghu"], staff_category="civil_servant")
    return user


@pytest.fixture
def xishan_admin(tree):
    user = UserFactory(role="institution_admin", real_name="西山管理员")
    membership_set(user=user, institution=tree["xishan"], staff_category="civil_servant")
    return user


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def check_file(django_capture_on_commit_callbacks):
    """Upload a roster and run its dry run, as the Celery task would (the task is queued)."""

    def _check(admin, content: bytes, name: str = "名单.xlsx") -> RosterImport:
        _check.before = people_and_memberships()
        with django_capture_on_commit_callbacks() as queued:
            upload = roster_import_create(admin=admin, upload=SimpleUploadedFile(name, content))
        assert len(queued) == 1
        return roster_import_check(import_id=upload.pk)

    return _check


@pytest.fixture
def outbox(monkeypatch):
    """Emails handed to the Celery email task, as (subject, body, to)."""
    from lms.tasks import send_email_task

    sent = []
    monkeypatch.setattr(
        send_email_task, "apply_async", lambda args, kwargs=None, **options: sent.append(args)
    )
    return sent


@pytest.fixture
def apply_import(django_capture_on_commit_callbacks, outbox):
    """Ask for the import and run it, as the Celery task would; emails land in ``outbox``."""

    def _apply(admin, roster_import: RosterImport) -> RosterImport:
        with django_capture_on_commit_callbacks() as queued:
            assert roster_import_apply_request(admin=admin, roster_import=roster_import)
        assert len(queued) == 1
        with django_capture_on_commit_callbacks(execute=True):
            return roster_import_apply(import_id=roster_import.pk)

    return _apply


def people_and_memberships() -> tuple[int, int]:
    from django.contrib.auth import get_user_model

    from institutions.models import Membership

    return get_user_model().objects.count(), Membership.objects.count()


def messages_of(roster_import: RosterImport) -> list[tuple]:
    from institutions.views import error_lines

    return [(line["row"], line["column"], line["text"]) for line in error_lines(roster_import)]
