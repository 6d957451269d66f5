#!/usr/bin/env bash
# Fail when the Chinese catalogue is out of date with the code's messages.
set -euo pipefail
cd "$(dirname "$0")/.."
po=lms/locale/zh_Hans/LC_MESSAGES/django.po
.venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=fixtures/data --verbosity 0
if ! git diff --quiet -I '^"POT-Creation-Date' -- "$po"; then
  echo "The catalogue $po is out of date: translate the new entries and commit it." >&2
  git --no-pager diff --stat -- "$po" >&2
  exit 1
fi
git checkout -q -- "$po" 2>/dev/null || true
