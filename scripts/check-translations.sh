#!/usr/bin/env bash
# Fail when the Chinese catalogue's messages differ from the code's (new or dropped messages).
set -euo pipefail
cd "$(dirname "$0")/.."
po=lms/locale/zh_Hans/LC_MESSAGES/django.po
saved=$(mktemp)
trap 'cp "$saved" "$po"; rm -f "$saved"' EXIT
cp "$po" "$saved"
.venv/bin/python manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore=.venv --ignore=var --ignore=tests --ignore=fixtures/data --verbosity 0
.venv/bin/python - "$saved" "$po" <<'PY'
import re
import sys


def msgids(path):
    ids, current = set(), None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        match = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            if current is not None and current[0] == "msgid":
                ids.add(current[1])
            current = [match.group(1), match.group(2)]
        elif line.startswith('"') and current is not None:
            current[1] += line[1:-1]
    return ids - {""}


committed, code = msgids(sys.argv[1]), msgids(sys.argv[2])
if committed != code:
    print("The Chinese catalogue is out of date with the code (see CONTRIBUTING.md).")
    for text in sorted(code - committed):
        print("  new:", text)
    for text in sorted(committed - code):
        print("  dropped:", text)
    sys.exit(1)
PY
