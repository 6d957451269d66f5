"""``make load`` and ``make faults``: candidates sitting a mock exam against the real stack.

    python tests/load/run.py [--users 200] [--spawn-rate 2] [--saves 80] [--faults]

Starts PostgreSQL, Redis, a Celery worker and beat and gunicorn with production settings in
``var/load`` (``scripts/services.sh``; loopback only), seeds the candidates, runs the locust
scenario headless (bounded by ``--max-minutes``), waits for the queues to drain, audits the
database against what the candidates were told, and writes ``tests/load/results/<name>.json``
and ``.md``. With ``--faults`` the drill in ``tests/load/faults.py`` runs during the load.
Stops the stack it started at the end (``--keep`` leaves it running).
"""

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = ROOT / "var" / "load"
RESULTS = HERE / "results"
BIN = ROOT / ".venv" / "bin"


def services(command: str) -> None:
    env = {**os.environ, "QIHANG_SERVICES_DIR": str(STATE)}
    subprocess.run([str(ROOT / "scripts" / "services.sh"), command], env=env, check=True)


def stack_environment() -> dict:
    values = {}
    for line in (STATE / "env").read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            values[name] = shlex.split(value)[0] if value else ""
    return values


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def run_locust(args, env: dict, people: Path, ledger: Path) -> None:
    command = [
        str(BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.max_minutes}m",
        "--host",
        env["SITE_URL"],
        "--only-summary",
        "--stop-timeout",
        "30",
        "--loglevel",
        "WARNING",
    ]
    load_env = {
        **os.environ,
        "LOAD_USERS_FILE": str(people),
        "LOAD_LEDGER": str(ledger),
        "LOAD_SAVES": str(args.saves),
    }
    subprocess.run(command, env=load_env, check=False, cwd=ROOT)


def wait_for_queues(env: dict, seconds: int = 300) -> tuple[int, int]:
    """Wait until Redis holds no task that is due: (tasks due but not done, tasks scheduled for
    later, such as the item statistics a few minutes after the last submit)."""
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    queues = ["celery", "attempts", "analysis", "certificates", "reports"]
    due = scheduled = 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        queued = sum(client.llen(name) for name in queues)
        held = [json.loads(raw)[0] for raw in client.hvals("unacked")]
        later = [m for m in held if _eta(m) and _eta(m) > time.time()]
        due, scheduled = queued + len(held) - len(later), len(later)
        if due == 0:
            break
        time.sleep(2)
    return due, scheduled


def _eta(message: dict) -> float | None:
    eta = message.get("headers", {}).get("eta")
    return datetime.datetime.fromisoformat(eta).timestamp() if eta else None


def summary(ledger: dict, audit: dict, faults: list[dict] | None) -> dict:
    stats = ledger["stats"]
    total = stats.get("Aggregated", {})
    seconds = ledger["finished"] - ledger["started"]
    windows = [(f["started"], f["recovered"] + 15) for f in faults or []]
    outside = [f for f in ledger["failures"] if not any(a <= f[0] <= b for a, b in windows)]
    save = stats.get("answer save", {})
    timeline = save_timeline(ledger["saves"], ledger["started"])
    return {
        "requests": total.get("requests", 0),
        "errors": total.get("failures", 0),
        "errors_outside_faults": len(outside),
        "duration_s": round(seconds, 1),
        "throughput_rps": round(total.get("requests", 0) / seconds, 1) if seconds else 0,
        "answer_save_p50_ms": save.get("p50_ms"),
        "answer_save_p95_ms": save.get("p95_ms"),
        "answer_save_p99_ms": save.get("p99_ms"),
        **audit,
        "endpoints": {name: value for name, value in stats.items() if name != "Aggregated"},
        "answer_save_by_30s": timeline,
        "faults": faults or [],
        "errors_by_kind": _count(f"{f[1]}: {f[2]}" for f in ledger["failures"]),
    }


def save_timeline(saves: list, started: float, window: int = 30) -> list[dict]:
    """Answer saves per ``window`` seconds of the run: how many, and their p50 and p95."""
    buckets: dict[int, list[float]] = {}
    for moment, ms in saves:
        buckets.setdefault(int((moment - started) // window), []).append(ms)
    rows = []
    for index in sorted(buckets):
        times = sorted(buckets[index])
        rows.append(
            {
                "from_s": index * window,
                "saves": len(times),
                "p50_ms": times[len(times) // 2],
                "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
            }
        )
    return rows


def _count(items) -> dict:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def markdown(result: dict, args) -> str:
    lines = [
        f"# {'Fault drill' if args.faults else 'Load'}: {args.users} candidates, "
        f"{args.saves} answer saves each",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {os.cpu_count()} cores; "
        f"{result['duration_s']} s, {result['requests']} requests "
        f"({result['throughput_rps']} per second), {result['errors']} errors "
        f"({result['errors_outside_faults']} outside injected faults).",
        "",
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in result["endpoints"].items():
        lines.append(
            f"| {name} | {row['requests']} | {row['failures']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} |"
        )
    lines += [
        "",
        "| audit | value |",
        "| --- | ---: |",
    ]
    for key in (
        "acknowledged_answers",
        "stored_answers",
        "lost_answers",
        "submitted_attempts",
        "ungraded_submitted_attempts",
        "open_past_deadline",
        "duplicate_certificates",
        "tasks_left_in_queues",
        "tasks_scheduled_for_later",
        "client_retries",
    ):
        if key in result:
            lines.append(f"| {key} | {result[key]} |")
    lines += [
        "",
        "| answer saves from second | saves | p50 ms | p95 ms |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for row in result["answer_save_by_30s"]:
        lines.append(f"| {row['from_s']} | {row['saves']} | {row['p50_ms']} | {row['p95_ms']} |")
    for fault in result["faults"]:
        lines.append("")
        lines.append(
            f"- **{fault['name']}** ({fault['recovered'] - fault['started']:.1f} s): "
            f"{fault['what']} — {fault['found']}"
        )
    return "\n".join(lines) + "\n"


def warm_up(env: dict) -> None:
    """Let every gunicorn worker load its code before the clock starts."""
    import urllib.request

    for _ in range(40):
        with urllib.request.urlopen(f"{env['SITE_URL']}/accounts/login/", timeout=30) as page:
            page.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--saves", type=int, default=80)
    parser.add_argument("--max-minutes", type=int, default=15)
    parser.add_argument("--faults", action="store_true", help="run the fault drill during the load")
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    args = parser.parse_args()

    # A task held by a killed worker is handed out again after a minute, within the drill.
    os.environ.setdefault("CELERY_VISIBILITY_TIMEOUT", "60")
    # Sync workers: a sign-in (Argon2) or a submit holds one for a few hundred milliseconds, so on
    # this stack (web, database, worker and the load generator sharing the cores) four per core
    # keep short answer saves from queueing behind them (p95 200 ms with 8, 360 ms with 4).
    os.environ.setdefault("GUNICORN_WORKERS", str(4 * (os.cpu_count() or 1)))
    # Every simulated candidate comes from this machine's one address: limits per address would
    # refuse the room (a real one shares a NAT address too, with fewer people behind it).
    os.environ.setdefault("LOGIN_RATE_PER_ADDRESS", "100000/m")
    os.environ.setdefault("ANSWER_SAVE_RATE_PER_ADDRESS", "100000/m")
    services("start")
    try:
        env = stack_environment()
        django_setup(env)
        from django.db import connections

        from tests.load.audit import load_audit
        from tests.load.seed import load_seed

        people = STATE / "people.json"
        ledger_path = STATE / "ledger.json"
        ledger_path.unlink(missing_ok=True)
        people.write_text(json.dumps(load_seed(count=args.users)))
        connections.close_all()  # the drill may restart the database under this connection
        warm_up(env)
        faults: list[dict] = []
        drill = None
        if args.faults:
            from tests.load.faults import fault_drill

            drill = threading.Thread(target=fault_drill, args=(STATE, env, faults), daemon=True)
            drill.start()
        run_locust(args, env, people, ledger_path)
        if drill is not None:
            drill.join(timeout=600)
        left, scheduled = wait_for_queues(env)
        connections.close_all()
        ledger = json.loads(ledger_path.read_text())
        result = summary(ledger, load_audit(ledger), faults if args.faults else None)
        result["tasks_left_in_queues"] = left
        result["tasks_scheduled_for_later"] = scheduled
        result["settings"] = {
            "users": args.users,
            "spawn_rate_per_s": args.spawn_rate,
            "saves_per_candidate": args.saves,
            "pace_s": [0.5, 2.5],
            "gunicorn_workers": int(os.environ["GUNICORN_WORKERS"]),
            "celery_worker": "1 worker, 2 processes, nice 10, all queues",
            "cpus": os.cpu_count(),
        }
    finally:
        if not args.keep:
            services("stop")

    name = "faults" if args.faults else "load"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(result, args))
    print((RESULTS / f"{name}.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
