#!/usr/bin/env bash
# Fail when the Chinese catalogue lacks messages that the code has (or keeps ones it dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
po=lms/locale/zh_Hans/LC_MESSAGES/django.po
saved=$(mktemp)
trap 'cp "$saved" "$po"; rm -f "$saved"' EXIT
cp "$po" "$saved"
.venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=fixtures/data --verbosity 0
if ! diff -q -I '^"POT-Creation-Date' "$saved" "$po" >/dev/null; then
  echo "The catalogue $po is out of date with the code. Run makemessages (see CONTRIBUTING.md)," >&2
  echo "translate the new entries and commit it:" >&2
  diff -I '^"POT-Creation-Date' "$saved" "$po" | head -n 40 >&2 || true
  exit 1
fi
