#!/usr/bin/env bash
# Qihang on one machine with production settings: PostgreSQL, Redis, a Celery worker, Celery beat
# and gunicorn, each a process this script starts and stops (and nothing else).
#
#   scripts/services.sh start     start what is not running (first start: database, demo data)
#   scripts/services.sh start PART...   start parts again: postgresql redis celery web
#   scripts/services.sh stop      stop exactly the processes started here
#   scripts/services.sh status    what runs, and /healthz
#   scripts/services.sh env       print the environment the processes share (for `source`)
#
# Everything lives in QIHANG_SERVICES_DIR (default var/services): the database cluster, Redis's
# append-only file, logs, pid files, private and public media, and `env`, written on the first
# start with free loopback ports and a new SECRET_KEY. QIHANG_SERVICES_DEMO=0 skips the demo data.
# Works as root (PostgreSQL then runs as the 'postgres' system user) and as a normal user.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
state=$(realpath -m "${QIHANG_SERVICES_DIR:-$here/var/services}")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_db_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_db_owner=(runuser -u postgres --)
fi

free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
say() { printf '  %-10s %s\n' "$1" "$2"; }

write_env() {
  local pg_port redis_port web_port secret
  pg_port=$(free_port); redis_port=$(free_port); web_port=${QIHANG_WEB_PORT:-$(free_port)}
  secret=$("$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(60))')
  cat >"$state/env" <<EOF
# Written by scripts/services.sh on $(date -u +%FT%TZ); delete the folder to start afresh.
export DJANGO_SETTINGS_MODULE=lms.settings.production
export SECRET_KEY='$secret'
export PG_PORT=$pg_port
export REDIS_PORT=$redis_port
export WEB_PORT=$web_port
export DATABASE_URL=postgres://qihang@127.0.0.1:$pg_port/qihang
export REDIS_URL=redis://127.0.0.1:$redis_port/0
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$web_port,http://localhost:$web_port
export SITE_URL=http://127.0.0.1:$web_port
# Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
export SECURE_SSL_REDIRECT=false
export SECURE_COOKIES=false
export SECURE_HSTS_SECONDS=0
export STATIC_ROOT=$state/static
export MEDIA_ROOT=$state/media
export PRIVATE_MEDIA_ROOT=$state/private
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
export EMAIL_FILE_PATH=$state/mail
export LOG_FORMAT=json
export GUNICORN_BIND=127.0.0.1:$web_port
export GUNICORN_PIDFILE=$state/run/gunicorn.pid
EOF
}

start_postgres() {
  [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found (make services installs them)" >&2; exit 1; }
  if [ ! -f "$state/pg/PG_VERSION" ]; then
    mkdir -p "$state/pg"
    if [ ${#as_db_owner[@]} -gt 0 ]; then chown postgres "$state/pg" "$state/run" "$state/log"; fi
    "${as_db_owner[@]}" "$pg_bin/initdb" -D "$state/pg" -U qihang --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$state/log/initdb.log" 2>&1 || { cat "$state/log/initdb.log"; exit 1; }
  fi
  if ! "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" status >/dev/null 2>&1; then
    "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -w -l "$state/log/postgresql.log" \
      -o "-h 127.0.0.1 -p $PG_PORT -k $state/run -c max_connections=200" start >/dev/null
  fi
  "$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U qihang -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='qihang'" | grep -q 1 ||
    "$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U qihang qihang
}

start_redis() {
  alive "$state/run/redis.pid" && return
  # Append-only file: queued tasks survive a Redis restart.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes --appendfsync everysec \
    --save "" --daemonize yes --pidfile "$state/run/redis.pid" --dir "$state" \
    --logfile "$state/log/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "Redis did not start: see $state/log/redis.log" >&2; exit 1
}

prepare_django() {
  local manage=("$venv/bin/python" "$here/manage.py")
  "${manage[@]}" migrate --verbosity 0
  "${manage[@]}" collectstatic --no-input --verbosity 0
  local has_key
  has_key=$("${manage[@]}" shell -c \
    "from certificates.models import SigningKey; print(SigningKey.objects.filter(current=True).count())")
  [ "$has_key" != 0 ] || "${manage[@]}" certificate_keys --rotate >/dev/null
  if [ "${QIHANG_SERVICES_DEMO:-1}" != 0 ] && [ ! -f "$state/demo-loaded" ]; then
    echo "Loading the demo data (once)"
    "${manage[@]}" load_demo --no-activity >/dev/null
    touch "$state/demo-loaded"
  fi
}

start_celery() {
  cd "$here"
  if ! alive "$state/run/worker.pid"; then
    rm -f "$state/run/worker.pid"
    # Background work yields the cores to requests on a shared machine (nice 10).
    nice -n 10 "$venv/bin/celery" -A lms worker --detach --loglevel=INFO --concurrency=2 \
      --queues=celery,attempts,analysis,certificates,reports --max-memory-per-child=600000 \
      --pidfile="$state/run/worker.pid" --logfile="$state/log/worker.log"
  fi
  if ! alive "$state/run/beat.pid"; then
    rm -f "$state/run/beat.pid"
    "$venv/bin/celery" -A lms beat --detach --loglevel=INFO \
      --pidfile="$state/run/beat.pid" --logfile="$state/log/beat.log"
  fi
}

start_web() {
  cd "$here"
  alive "$state/run/gunicorn.pid" && return
  rm -f "$state/run/gunicorn.pid"
  "$venv/bin/gunicorn" -c deploy/gunicorn.conf.py --daemon --capture-output \
    --error-logfile "$state/log/gunicorn.log" lms.wsgi:application
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$WEB_PORT/healthz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "gunicorn did not answer /healthz: see $state/log/gunicorn.log" >&2; exit 1
}

stop_pidfile() {  # stop_pidfile NAME FILE SECONDS: TERM, wait, then KILL
  local pid
  alive "$2" || { rm -f "$2"; return 0; }
  pid=$(cat "$2")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(($3 * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$2"
  say "$1" stopped
}

case "${1:-}" in
  start)
    mkdir -p "$state/run" "$state/log" "$state/mail" "$state/media" "$state/private"
    chmod 755 "$state"
    [ -f "$state/env" ] || write_env
    # shellcheck disable=SC1091
    source "$state/env"
    if [ $# -gt 1 ]; then  # start some of them again: postgresql, redis, celery, web
      for part in "${@:2}"; do
        case "$part" in
          postgresql) start_postgres ;; redis) start_redis ;; celery) start_celery ;;
          web) start_web ;; *) echo "unknown part: $part" >&2; exit 2 ;;
        esac
      done
      exit 0
    fi
    start_postgres
    start_redis
    prepare_django
    start_celery
    start_web
    echo "Qihang runs at $SITE_URL (production settings; logs in $state/log)."
    echo "Stop it with: make services-stop"
    ;;
  stop)
    [ -f "$state/env" ] || { echo "Nothing was started from $state"; exit 0; }
    # shellcheck disable=SC1091
    source "$state/env"
    stop_pidfile gunicorn "$state/run/gunicorn.pid" 30
    stop_pidfile beat "$state/run/beat.pid" 10
    stop_pidfile worker "$state/run/worker.pid" 60  # a warm shutdown finishes running tasks
    if alive "$state/run/redis.pid"; then
      redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || stop_pidfile redis "$state/run/redis.pid" 10
      say redis stopped
    fi
    if [ -f "$state/pg/postmaster.pid" ]; then
      "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" -m fast -w stop >/dev/null && say postgresql stopped
    fi
    ;;
  status)
    [ -f "$state/env" ] || { echo "Nothing was started from $state"; exit 1; }
    # shellcheck disable=SC1091
    source "$state/env"
    for name in gunicorn worker beat redis; do
      if alive "$state/run/$name.pid"; then say "$name" "running (pid $(cat "$state/run/$name.pid"))"
      else say "$name" "not running"; fi
    done
    if "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$state/pg" status >/dev/null 2>&1; then
      say postgresql "running (port $PG_PORT)"
    else say postgresql "not running"; fi
    curl -s "http://127.0.0.1:$WEB_PORT/healthz" || true
    echo
    ;;
  env)
    cat "$state/env"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
