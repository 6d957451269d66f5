"""The institution admin's certificate desk: own people only, revoke, bulk issue, ZIP."""

import io
import zipfile

import pytest

from certificates.models import Certificate, CertificateExport
from certificates.services.exports import export_build
from certificates.services.issuance import certificate_issue_if_earned
from institutions.services import membership_set
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(learner, programme, bureau):
    own_admin = UserFactory(role="institution_admin")
    membership_set(user=own_admin, institution=bureau["bureau"], staff_category="civil_servant")
    foreign_admin = UserFactory(role="institution_admin")
    membership_set(user=foreign_admin, institution=bureau["other"], staff_category="civil_servant")
    outsider = UserFactory(role="candidate", real_name="赵外人")
    membership_set(user=outsider, institution=bureau["other"], staff_category="social_worker")
    colleague = UserFactory(role="candidate", real_name="钱同事")
    membership_set(user=colleague, institution=bureau["bureau"], staff_category="civil_servant")
    for person in (learner, outsider):
        complete_course(person, programme.course)
        certificate_issue_if_earned(holder=person, programme=programme)
    return {
        "own": own_admin,
        "foreign": foreign_admin,
        "outsider": outsider,
        "colleague": colleague,
    }


def test_the_desk_shows_only_the_admins_own_people(client, people, learner):
    client.force_login(people["own"])
    html = client.get("/certificates/manage/").content.decode()
    assert learner.certificates.get().serial in html
    assert people["outsider"].certificates.get().serial not in html
    client.force_login(UserFactory(role="candidate"))
    assert client.get("/certificates/manage/").status_code == 403


def test_revoke_from_the_desk_needs_a_reason_and_an_own_person(client, people, learner):
    mine = learner.certificates.get()
    theirs = people["outsider"].certificates.get()
    client.force_login(people["own"])
    client.post(
        "/certificates/manage/", {"action": "revoke", "certificate": theirs.pk, "reason": "x"}
    )
    assert Certificate.objects.get(pk=theirs.pk).revoked_at is None
    client.post("/certificates/manage/", {"action": "revoke", "certificate": mine.pk, "reason": ""})
    assert Certificate.objects.get(pk=mine.pk).revoked_at is None
    client.post(
        "/certificates/manage/", {"action": "revoke", "certificate": mine.pk, "reason": "离职"}
    )
    mine.refresh_from_db()
    assert mine.revoked_at is not None and mine.events.get(action="revoked").actor == people["own"]


def test_bulk_issue_reaches_own_people_only(client, people, programme, learner):
    client.force_login(people["own"])
    client.post(
        "/certificates/manage/",
        {
            "action": "issue",
            "programme": programme.pk,
            "people": [people["colleague"].pk, people["foreign"].pk, learner.pk],
            "reason": "线下集中培训",
        },
    )
    assert people["colleague"].certificates.get().events.get().reason == "线下集中培训"
    assert not people["foreign"].certificates.exists()
    assert learner.certificates.count() == 1  # already held a valid one


def test_zip_of_the_admins_certificates(
    client, people, learner, django_capture_on_commit_callbacks
):
    client.force_login(people["own"])
    with django_capture_on_commit_callbacks() as queued:
        client.post("/certificates/manage/", {"action": "export"})
    assert len(queued) == 1
    export = CertificateExport.objects.get()
    assert export.certificate_ids == [learner.certificates.get().pk]
    export_build(export.pk)
    response = client.get(f"/certificates/exports/{export.pk}/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [name] = archive.namelist()
    assert name.startswith(learner.certificates.get().serial) and "王晓磊" in name
    assert archive.read(name).startswith(b"%PDF")
    client.force_login(people["foreign"])
    assert client.get(f"/certificates/exports/{export.pk}/").status_code == 404
