#!/usr/bin/env bash
# Run a command with throwaway PostgreSQL 15, Redis and a Celery worker, then stop them.
#   scripts/test-services.sh COMMAND...
# Works as root (the cluster then runs as the 'postgres' system user) and as a normal user.
# Exports DATABASE_URL, REDIS_URL and QIHANG_WORKER_MAIL_DIR to COMMAND.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }

state=$(mktemp -d "${TMPDIR:-/tmp}/qihang-test.XXXXXX")
chmod 755 "$state"
free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pg_port=$(free_port)
redis_port=$(free_port)

as_db_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_db_owner=(runuser -u postgres --)
fi

worker_pid=""
cleanup() {
  status=$?
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  if [ -f "$state/redis.pid" ]; then kill "$(cat "$state/redis.pid")" 2>/dev/null || true; fi
  if [ -f "$state/pg/postmaster.pid" ]; then
    "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
  exit $status
}
trap cleanup EXIT INT TERM

echo "Starting PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port"
mkdir -p "$state/pg" "$state/run" "$state/mail"
chmod 777 "$state/mail"
if [ ${#as_db_owner[@]} -gt 0 ]; then chown postgres "$state/pg" "$state/run"; fi
"${as_db_owner[@]}" "$pg_bin/initdb" -D "$state/pg" -U qihang --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log"; exit 1; }
"${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -w -l "$state/run/pg.log" \
  -o "-h 127.0.0.1 -p $pg_port -k $state/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$state/run/pg.log"; exit 1; }
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U qihang qihang

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize yes --pidfile "$state/redis.pid" --dir "$state" --logfile "$state/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://qihang@127.0.0.1:$pg_port/qihang"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export QIHANG_WORKER_MAIL_DIR="$state/mail"

# The worker works on the test database that pytest creates (see lms/settings/test.py). It takes
# the default, certificate and report queues (the tests that use it send email, issue certificates
# and build reports;
# a certificate task only runs for a course that has a programme). Attempt and analysis tasks,
# which tests run by calling their services, would otherwise race the suite's database resets.
DJANGO_SETTINGS_MODULE=lms.settings.test \
DATABASE_URL="postgres://qihang@127.0.0.1:$pg_port/qihang_test" \
EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
EMAIL_FILE_PATH="$state/mail" \
  "$venv/bin/celery" -A lms --quiet worker --loglevel=WARNING --concurrency=1 --queues=celery,certificates,reports --without-gossip \
  --without-mingle --logfile="$state/worker.log" &
worker_pid=$!

set +e
"$@"
status=$?
set -e
if [ $status -ne 0 ] && [ -s "$state/worker.log" ]; then
  echo "--- Celery worker log (last 40 lines) ---"; tail -n 40 "$state/worker.log"
fi
exit $status
