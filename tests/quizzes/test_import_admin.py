"""The admin pages to import and export question files: trainers can, candidates cannot."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from quizzes.formats import gift, xlsx
from quizzes.models import Question, QuestionBank, QuestionImport
from quizzes.services.import_jobs import question_import_apply, question_import_check
from tests.factories import PASSWORD, UserFactory
from tests.quizzes.test_import_formats import copies
from tests.quizzes.test_import_service import bank, syllabus  # noqa: F401  (fixtures)

UPLOAD = "quizzes_admin:question-import"


@pytest.fixture(autouse=True)
def _english_messages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def trainer(client, bank):  # noqa: F811
    user = UserFactory(role="trainer")
    bank.authors.add(user)
    client.login(username=user.username, password=PASSWORD)
    return user


def upload(client, bank, data, name):  # noqa: F811
    """Upload a file and run its check as the Celery task would (the test's transaction never
    commits, so nothing is queued)."""
    response = client.post(
        reverse(UPLOAD), {"file": SimpleUploadedFile(name, data), "format": "", "bank": bank.pk}
    )
    for pk in QuestionImport.objects.filter(state="checking").values_list("pk", flat=True):
        question_import_check(import_id=pk)
    return response


def test_menu_and_upload_page_for_trainers(client, trainer):
    response = client.get(reverse(UPLOAD))
    assert response.status_code == 200
    assert "Check the file" in response.content.decode()
    assert "Import questions" in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("role", ["candidate", None])
def test_candidates_cannot_import_or_export(client, bank, role):  # noqa: F811
    user = UserFactory(role=role) if role else UserFactory()
    client.login(username=user.username, password=PASSWORD)
    for name in (UPLOAD, "quizzes_admin:question-export", "quizzes_admin:question-import-template"):
        assert client.get(reverse(name)).status_code in (302, 403)
    response = upload(client, bank, gift.write(copies()), "x.gift")
    assert response.status_code in (302, 403)
    assert not QuestionImport.objects.exists()


def test_upload_preview_confirm_import(client, trainer, bank, django_capture_on_commit_callbacks):  # noqa: F811
    response = upload(client, bank, xlsx.write(copies()), "银行.xlsx")
    question_import = QuestionImport.objects.get()
    assert response.status_code == 302
    assert question_import.state == "ready"
    assert Question.objects.count() == 0
    page = client.get(response.url).content.decode()
    assert "Nothing has been written yet" in page
    assert page.count('data-action="create"') == 4
    assert "社会工作者" in page
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(response.url)
    assert len(queued) == 1  # the import task, queued once the request commits
    question_import.refresh_from_db()
    assert question_import.state == "applying"
    question_import_apply(import_id=question_import.pk)  # what the task runs
    question_import.refresh_from_db()
    assert question_import.state == "applied"
    assert Question.objects.count() == 4
    assert "Imported on" in client.get(response.url).content.decode()
    progress = client.get(
        reverse("quizzes_admin:question-import-progress", args=[question_import.pk])
    )
    assert progress.json()["finished"] is True
    assert progress.json()["done"] == 4


def test_an_invalid_file_shows_errors_by_line_and_cannot_be_applied(client, trainer, bank):  # noqa: F811
    rows = copies()
    rows[1].knowledge_point_codes = ["J-NO-00"]
    response = upload(client, bank, gift.write(rows), "bad.gift")
    question_import = QuestionImport.objects.get()
    assert question_import.state == "invalid"
    assert not question_import.file
    page = client.get(response.url).content.decode()
    assert "J-NO-00" in page
    assert "Nothing was imported" in page
    client.post(response.url)
    question_import.refresh_from_db()
    assert question_import.state == "invalid"
    assert Question.objects.count() == 0


def test_garbage_is_a_clear_error_not_a_server_error(client, trainer, bank):  # noqa: F811
    response = upload(client, bank, b"PK\x03\x04\x00\x00garbage", "x.xlsx")
    assert response.status_code == 200
    assert "not a real Excel workbook (.xlsx)" in response.content.decode()
    assert not QuestionImport.objects.exists()


def test_another_trainer_cannot_see_my_import(client, trainer, bank):  # noqa: F811
    response = upload(client, bank, gift.write(copies()), "x.gift")
    other = UserFactory(role="trainer")
    client.login(username=other.username, password=PASSWORD)
    assert client.get(response.url).status_code == 404


def test_a_bank_i_do_not_author_is_refused(client, trainer):
    foreign = QuestionBank.objects.create(name="别人的题库")
    response = upload(client, foreign, gift.write(copies()), "x.gift")
    assert response.status_code == 200
    assert not QuestionImport.objects.exists()


def test_export_downloads_and_template(client, trainer, bank):  # noqa: F811
    upload(client, bank, gift.write(copies()), "x.gift")
    assert client.get(reverse("quizzes_admin:question-export")).status_code == 200
    response = client.get(
        reverse("quizzes_admin:question-export"), {"format": "gift", "bank": bank.pk}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    template = client.get(reverse("quizzes_admin:question-import-template"))
    assert xlsx.parse(template.content, "t.xlsx").problems == []


def test_an_oversized_upload_is_refused_by_the_form(client, trainer, bank, settings):  # noqa: F811
    settings.UPLOAD_QUESTION_FILE_MAX_BYTES = 100
    response = upload(client, bank, b"x" * 101, "big.gift")
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not QuestionImport.objects.exists()


def test_the_check_runs_in_the_background_and_the_page_says_so(
    client,
    trainer,
    bank,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse(UPLOAD),
            {
                "file": SimpleUploadedFile("x.gift", gift.write(copies())),
                "format": "",
                "bank": bank.pk,
            },
        )
    assert len(queued) == 1
    question_import = QuestionImport.objects.get()
    assert question_import.state == "checking" and question_import.busy
    assert "being checked" in client.get(response.url).content.decode()
    progress = client.get(
        reverse("quizzes_admin:question-import-progress", args=[question_import.pk])
    )
    assert progress.json()["finished"] is False
    question_import_check(import_id=question_import.pk)
    assert (
        client.get(
            reverse("quizzes_admin:question-import-progress", args=[question_import.pk])
        ).json()["finished"]
        is True
    )
