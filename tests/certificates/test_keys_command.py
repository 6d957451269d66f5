import io

import pytest
from django.core.management import call_command

from certificates.models import SigningKey

pytestmark = pytest.mark.django_db


def test_rotate_makes_a_new_current_key_and_keeps_the_old():
    out = io.StringIO()
    call_command("certificate_keys", stdout=out)
    assert "No signing key yet" in out.getvalue()
    call_command("certificate_keys", "--rotate", stdout=io.StringIO())
    first = SigningKey.objects.get()
    out = io.StringIO()
    call_command("certificate_keys", "--rotate", stdout=out)
    second = SigningKey.objects.get(current=True)
    first.refresh_from_db()
    assert second.did != first.did and not first.current and first.retired_at is not None
    assert f"New current key: {second.did}" in out.getvalue()
    assert second.did.startswith("did:key:z6Mk")
