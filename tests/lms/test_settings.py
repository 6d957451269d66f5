"""Production settings refuse unsafe configurations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-0123456789-abcdefghijkl"


def _check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "lms.settings.production", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "true"}, "DEBUG must be off"),
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "insecure-dev-key-change-me"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
    ],
)
def test_production_refuses_unsafe_settings(env, message):
    result = _check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings():
    result = _check(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr


def test_every_environment_variable_is_described():
    """Each variable the settings read appears in .env.example, so operators can find it."""
    import re

    read = set()
    for path in (ROOT / "lms" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', path.read_text()))
    described = (ROOT / ".env.example").read_text()
    assert read
    assert sorted(name for name in read if name not in described) == []
