"""Password reset email goes out through the real Celery worker that ``make test`` starts."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory

needs_worker = pytest.mark.skipif(
    not os.environ.get("QIHANG_WORKER_MAIL_DIR"),
    reason="needs the Celery worker and Redis started by `make test`",
)


def _wait_for_mail(folder: Path, address: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in folder.glob("*.log"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if address in text:
                return text
        time.sleep(0.2)
    raise AssertionError(f"no email to {address} within {timeout} s")


@needs_worker
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reset_email_is_sent_by_the_worker_and_the_link_works(client):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    user = UserFactory(role="candidate", email="forgetful@example.com")
    response = client.post("/accounts/password_reset/", {"email": "forgetful@example.com"})
    assert response.status_code == 302
    mail = _wait_for_mail(Path(os.environ["QIHANG_WORKER_MAIL_DIR"]), "forgetful@example.com")
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-New-secret-77", "new_password2": "brand-New-secret-77"},
    )
    assert client.login(username=user.username, password="brand-New-secret-77")


@pytest.mark.django_db
def test_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mailoutbox == []
