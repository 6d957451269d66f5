"""The fault drill ``make faults`` runs while the candidates sit their mock exam.

In order, each after the previous one has healed: kill -9 one gunicorn worker; restart
PostgreSQL; stop Redis (cache, sessions' cache and Celery broker) for 30 seconds, while a few
abandoned attempts pass their deadline; kill -9 the Celery worker in the middle of a batch of
certificates. Each step records when it started, when the platform answered again, what was done
and what was found; ``tests/load/run.py`` audits the database afterwards.
"""

import contextlib
import datetime
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None)
CERTIFICATE_BATCH = 60
ABANDONED_ATTEMPTS = 5


def fault_drill(state: Path, env: dict, faults: list[dict], *, warm_up: float = 60) -> None:
    time.sleep(warm_up)  # candidates signed in and answering
    for step in (_kill_web_worker, _restart_postgresql, _stop_redis, _kill_celery_worker):
        started = time.time()
        what, found = step(state, env)
        faults.append(
            {
                "name": step.__name__.strip("_").replace("_", " "),
                "started": started,
                "recovered": time.time(),
                "what": what,
                "found": found,
            }
        )
        print(f"[drill] {faults[-1]['name']}: {what} — {found}", flush=True)
        time.sleep(15)


# --- the steps -------------------------------------------------------------------------------
def _kill_web_worker(state: Path, env: dict) -> tuple[str, str]:
    master = int((state / "run" / "gunicorn.pid").read_text())
    before = _children(master)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    healed = _wait(lambda: len(set(_children(master)) - {victim}) >= len(before), 60)
    return (
        f"kill -9 gunicorn worker {victim} of {len(before)}",
        f"master replaced it in {healed:.1f} s" if healed is not None else "NOT replaced in 60 s",
    )


def _restart_postgresql(state: Path, env: dict) -> tuple[str, str]:
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run(  # pg_ctl restart starts it again with the options it ran with
        [
            *as_owner,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(state / "pg"),
            "-m",
            "fast",
            "-w",
            "-l",
            str(state / "log" / "postgresql.log"),
            "restart",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    healed = _wait(lambda: _healthy(env), 60)
    return (
        "pg_ctl restart -m fast (open transactions aborted, connections dropped)",
        f"/healthz answered ok {healed:.1f} s later"
        if healed is not None
        else "NOT healthy in 60 s",
    )


def _stop_redis(state: Path, env: dict) -> tuple[str, str]:
    abandoned = _abandon_attempts(seconds=10)
    subprocess.run(["redis-cli", "-p", env["REDIS_PORT"], "shutdown"], check=False)
    down_at = time.time()
    time.sleep(30)
    _services(state, "redis")
    back = time.time() - down_at
    submitted = _wait(lambda: _open_attempts(abandoned) == 0, 180)
    return (
        f"Redis shut down for {back:.0f} s (its append-only file kept the queued tasks); "
        f"{len(abandoned)} abandoned attempts passed their deadline meanwhile",
        f"the abandoned attempts were submitted {submitted:.0f} s after Redis returned"
        if submitted is not None
        else f"{_open_attempts(abandoned)} abandoned attempts still open 180 s later",
    )


def _kill_celery_worker(state: Path, env: dict) -> tuple[str, str]:
    holders, programme = _certificate_batch()
    issued = _wait(lambda: _issued(holders, programme) >= 5, 300)
    if issued is None:
        return "certificate batch queued", "the worker issued nothing in 300 s: not killed"
    main = int((state / "run" / "worker.pid").read_text())
    pool = _children(main)
    at_kill = _issued(holders, programme)
    for pid in [main, *pool]:
        _kill(pid)
    (state / "run" / "worker.pid").unlink(missing_ok=True)
    time.sleep(5)
    _services(state, "celery")
    done = _wait(lambda: _issued(holders, programme) >= len(holders), 600)
    from tests.load.audit import duplicate_certificates

    return (
        f"kill -9 the Celery worker (main process and {len(pool)} pool processes) with "
        f"{at_kill} of {len(holders)} certificates issued; started it again 5 s later",
        (
            f"all {len(holders)} issued {done:.0f} s after the restart"
            if done is not None
            else f"only {_issued(holders, programme)} of {len(holders)} issued after 600 s"
        )
        + f"; holders with two current certificates: {duplicate_certificates()}",
    )


# --- helpers ---------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _wait(condition, seconds: float) -> float | None:
    started = time.time()
    while time.time() - started < seconds:
        try:
            if condition():
                return time.time() - started
        except Exception:  # noqa: S110 - a service still down: try again
            pass
        time.sleep(1)
    return None


def _healthy(env: dict) -> bool:
    with urllib.request.urlopen(f"{env['SITE_URL']}/healthz", timeout=5) as response:
        return response.status == 200


def _services(state: Path, part: str) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), "start", part],
        env={**os.environ, "QIHANG_SERVICES_DIR": str(state)},
        check=True,
    )


def _db(function):
    """Run ``function`` with a fresh database connection (the drill restarts the database)."""
    from django.db import close_old_connections, connection

    try:
        return function()
    finally:
        connection.close()
        close_old_connections()


def _abandon_attempts(*, seconds: int) -> list[int]:
    """Candidates who started the exam and walked away: their deadline passes in ``seconds``."""

    def work():
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from quizzes.models import Attempt, Quiz
        from quizzes.services.attempts import attempt_start
        from tests.load.seed import PREFIX

        quiz = Quiz.objects.filter(kind="mock_exam", subject__code="J-CA").first()
        ids = []
        for number in range(1, ABANDONED_ATTEMPTS + 1):
            user, _ = get_user_model().objects.get_or_create(
                username=f"{PREFIX}abandoned-{number}", defaults={"real_name": "离场考生"}
            )
            Attempt.objects.filter(user=user).delete()
            attempt, _ = attempt_start(user=user, quiz=quiz)
            ids.append(attempt.pk)
        Attempt.objects.filter(pk__in=ids).update(
            deadline=timezone.now() + datetime.timedelta(seconds=seconds)
        )
        return ids

    return _db(work)


def _open_attempts(ids: list[int]) -> int:
    def work():
        from quizzes.models import Attempt, AttemptState

        return Attempt.objects.filter(pk__in=ids, state=AttemptState.IN_PROGRESS).count()

    return _db(work)


def _certificate_batch():
    def work():
        import secrets

        from django.contrib.auth import get_user_model

        from certificates.models import CertificateProgramme, CertificateTemplate
        from certificates.tasks import issue_if_earned
        from institutions.models import Institution

        programme, _ = CertificateProgramme.objects.get_or_create(
            name="故障演练证书项目",
            defaults={
                "require_course_completion": False,
                "credit_hours": 8,
                "issuer": Institution.objects.order_by("path").first(),
                "template": CertificateTemplate.objects.order_by("pk").first(),
            },
        )
        tag = secrets.token_hex(3)
        holders = get_user_model().objects.bulk_create(
            get_user_model()(username=f"drill-{tag}-{n:03d}", real_name=f"演练学员{n}号")
            for n in range(CERTIFICATE_BATCH)
        )
        for holder in holders:
            issue_if_earned.delay(holder.pk, programme.pk)
        return [h.pk for h in holders], programme.pk

    return _db(work)


def _issued(holders: list[int], programme_id: int) -> int:
    def work():
        from certificates.models import Certificate

        return Certificate.objects.filter(
            holder_id__in=holders, programme_id=programme_id, current=True
        ).count()

    return _db(work)
