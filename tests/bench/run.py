"""``make bench``: the answer-save path under load, mock-exam assembly, prediction quality,
certificate issuance, city-wide statistics.

Runs inside ``scripts/test-services.sh`` (PostgreSQL and Redis on loopback). Writes
``tests/bench/results.json``, merged: phases that did not run keep their last results.
``tests/bench/run.py --only stats`` (or ``--only assembly,prediction``) runs some phases only.
Loopback only; every load phase is bounded in time.
"""

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["DEBUG"] = "false"
# Certificate PDFs of the run go to a temporary folder, removed at the end.
PRIVATE_MEDIA = Path(tempfile.mkdtemp(prefix="qihang-bench-"))
os.environ["PRIVATE_MEDIA_ROOT"] = str(PRIVATE_MEDIA)
# The benchmark's own Celery broker database: the worker that scripts/test-services.sh starts
# (for the test suite) listens on database 0 and must not take the benchmark's tasks.
if os.environ.get("REDIS_URL"):
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/1"

CANDIDATES = 50
CONNECTIONS = 50
DURATION_S = int(os.environ.get("BENCH_SECONDS", "20"))
WRK_THREADS = 2
GUNICORN_WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
BANK_SIZE = 10_000
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
STATS_RUNS = int(os.environ.get("BENCH_STATS_RUNS", "3"))
STATS_INSTITUTION = "bench-d01-s01"  # a street station and its six communities, ~370 people
PHASES = ["answer_save", "assembly", "prediction", "certificates", "stats"]


def manage(*args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_attempts(plan_path: Path) -> None:
    """50 candidates with an open J-CA mock exam each, and the plan file wrk reads."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from lms.services import user_register
    from quizzes.models import Quiz
    from quizzes.services.attempts import attempt_start

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, hits int)")
        cursor.execute("TRUNCATE bench_counter")
        cursor.execute("INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 50) g")
    quiz = Quiz.objects.get(kind="mock_exam", subject__code="J-CA")
    lines = []
    for n in range(CANDIDATES):
        user = user_register(
            username=f"bench{n}-{secrets.token_hex(3)}", password=secrets.token_urlsafe(16)
        )
        token = Token.objects.create(user=user)
        attempt, _ = attempt_start(user=user, quiz=quiz, rng=random.Random(n))
        positions = [
            ",".join(str(i) for i in r.option_order)
            for r in attempt.responses.order_by("position")[:10]
        ]
        lines.append(f"{token.key} {attempt.pk} {';'.join(positions)}")
    plan_path.write_text("\n".join(lines) + "\n")


def wrk(script: Path, url: str, seconds: int, plan: Path) -> dict:
    env = {**os.environ, "BENCH_PLAN": str(plan), "BENCH_THREADS": str(WRK_THREADS)}
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["throughput_rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def load_phase(plan: Path) -> dict:
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        wrk(HERE / "bare.lua", base, 3, plan)  # warm up both paths
        wrk(HERE / "answer_save.lua", base, 3, plan)
        limit = wrk(HERE / "bare.lua", base, DURATION_S, plan)
        save = wrk(HERE / "answer_save.lua", base, DURATION_S, plan)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return {
        "throughput_rps": save["throughput_rps"],
        "p50_ms": save["p50_ms"],
        "p95_ms": save["p95_ms"],
        "p99_ms": save["p99_ms"],
        "errors": save["errors"] + save["non2xx"],
        "limit_rps": limit["throughput_rps"],
        "limit_p95_ms": limit["p95_ms"],
        "ratio_to_limit": round(save["throughput_rps"] / limit["throughput_rps"], 3),
    }


def assembly_phase() -> dict:
    """A 10,000-question bank for one subject; time and count the queries of one assembly."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.models import Blueprint, BlueprintSection, Chapter, ExamLevel, Subject
    from quizzes.assembly import select_questions
    from quizzes.models import Question, QuestionBank, QuestionVersion, Quiz

    level = ExamLevel.objects.get(code="J")
    subject, _ = Subject.objects.get_or_create(
        code="BENCH", defaults={"level": level, "name": "基准科目", "edition": "2025"}
    )
    blueprint, created = Blueprint.objects.get_or_create(
        subject=subject, defaults={"duration_minutes": 120, "pass_mark": 60}
    )
    if created:
        BlueprintSection.objects.create(
            blueprint=blueprint,
            question_type="single_choice",
            count=60,
            points_each=1,
            sort_order=0,
        )
        BlueprintSection.objects.create(
            blueprint=blueprint,
            question_type="multiple_choice",
            count=20,
            points_each=2,
            sort_order=1,
        )
    chapters = [
        Chapter.objects.get_or_create(
            code=f"BENCH-{n:02d}",
            defaults={
                "subject": subject,
                "number": n,
                "name": f"第{n}章",
                "edition": "2025",
                "weight": Decimal(100) / 12,
            },
        )[0]
        for n in range(1, 13)
    ]
    bank, _ = QuestionBank.objects.get_or_create(name="基准题库")
    if not Question.objects.filter(bank=bank).exists():
        rng = random.Random(0)
        questions = Question.objects.bulk_create(
            [
                Question(
                    bank=bank,
                    type="single_choice" if i % 4 else "multiple_choice",
                    chapter=chapters[i % 12],
                    status="published",
                    difficulty=rng.randint(1, 5),
                    stem=f"<p>基准题 {i}</p>",
                )
                for i in range(BANK_SIZE)
            ],
            batch_size=2000,
        )
        versions = QuestionVersion.objects.bulk_create(
            [
                QuestionVersion(
                    question=q,
                    number=1,
                    type=q.type,
                    chapter=q.chapter,
                    difficulty=q.difficulty,
                    stem=q.stem,
                    options=[
                        {"id": j, "text": str(j), "correct": j == 0, "explanation": ""}
                        for j in range(4)
                    ],
                )
                for q in questions
            ],
            batch_size=2000,
        )
        for q, v in zip(questions, versions, strict=True):
            q.current_version = v
        Question.objects.bulk_update(questions, ["current_version"], batch_size=2000)
    quiz, _ = Quiz.objects.get_or_create(title="基准模拟考试", kind="mock_exam", subject=subject)
    select_questions(quiz, random.Random(1))  # warm caches
    timings = []
    for seed in range(10):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            slots = select_questions(quiz, random.Random(seed))
        timings.append((time.perf_counter() - started) * 1000)
        assert len(slots) == 80
    timings.sort()
    return {
        "ms": round(timings[len(timings) // 2], 1),
        "queries": len(ctx.captured_queries),
        "bank_size": BANK_SIZE,
    }


def prediction_phase() -> dict:
    """Simulated learners of known ability on the J-CA blueprint: score error and Brier score."""
    import numpy as np

    from quizzes import prediction

    rng = np.random.default_rng(2026)
    bank_single = rng.normal(0, 1, 400)
    bank_multi = rng.normal(0.4, 1, 150)
    sections = [
        prediction.Section(60, 1.0, tuple(bank_single)),
        prediction.Section(20, 2.0, tuple(bank_multi)),
    ]
    results = {}
    for answers in (100, 300):
        errors, briers = [], []
        for _ in range(300):
            theta = rng.normal(0.2, 1.0)
            practice = rng.choice(np.concatenate([bank_single, bank_multi]), answers)
            outcomes = (rng.random(answers) < 1 / (1 + np.exp(-(theta - practice)))).astype(float)
            ability = prediction.estimate_ability(practice, outcomes)
            predicted = prediction.expected_score(ability.theta, sections)
            truth = prediction.expected_score(theta, sections)
            errors.append(abs(predicted - truth))
            score = 0.0
            for section in sections:
                b = rng.choice(section.difficulties, section.count, replace=False)
                score += section.points * float(
                    (rng.random(section.count) < 1 / (1 + np.exp(-(theta - b)))).sum()
                )
            probability = prediction.pass_probability(ability, sections, 60.0)
            briers.append((probability - float(score >= 60)) ** 2)
        results[f"mae_{answers}"] = round(float(np.mean(errors)), 2)
        results[f"brier_{answers}"] = round(float(np.mean(briers)), 4)
    return results


def certificates_phase() -> dict:
    """Issue CERTIFICATES certificates, each signed and with its PDF, through one real Celery
    worker process (solo pool): certificates per second and the worker's peak memory."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from certificates.models import Certificate, CertificateProgramme, CertificateTemplate
    from certificates.tasks import issue_if_earned
    from institutions.models import Institution

    programme, _ = CertificateProgramme.objects.get_or_create(
        name="基准证书项目",
        defaults={
            "require_course_completion": False,
            "credit_hours": 8,
            "issuer": Institution.objects.get(code="jc-city-mz"),
            "template": CertificateTemplate.objects.get(name="默认结业证书"),
        },
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"cert{n}-{secrets.token_hex(3)}", real_name=f"学员{n}号")
            for n in range(CERTIFICATES)
        ]
    )
    connection.close()
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "--queues=certificates",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker connects to the broker
        started = time.perf_counter()
        for user in users:
            issue_if_earned.delay(user.pk, programme.pk)
        done, peak_kb = 0, 0
        deadline = time.monotonic() + max(120, CERTIFICATES * 2)
        while time.monotonic() < deadline:
            done = Certificate.objects.filter(programme=programme).exclude(pdf="").count()
            status = Path(f"/proc/{worker.pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
            if done >= CERTIFICATES:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    if done < CERTIFICATES:
        raise RuntimeError(f"only {done} of {CERTIFICATES} certificates were issued in time")
    return {
        "count": CERTIFICATES,
        "seconds": round(elapsed, 1),
        "per_second_per_worker": round(CERTIFICATES / elapsed, 2),
        "peak_mb": round(peak_kb / 1024, 1),
        "worker": "1 process (solo pool), PDF and signed credential for each",
    }


def _json_run(*args: str, timeout: int) -> dict:
    """Run ``python -m ARGS`` from the project root; its last output line is JSON."""
    out = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def stats_phase() -> dict:
    """City-wide statistics of 100,000 learners in 2,000 institutions (5 million responses,
    500,000 lesson completions) and one institution's monthly report: wall seconds (best of
    STATS_RUNS, each in a fresh process) and peak memory, next to one SQL query computing the
    same per-unit totals and knowledge-point sums (the floor). See ``stats_data``/``stats_probe``.
    """
    from institutions.models import Institution

    load_before = os.getloadavg()
    data = _json_run("tests.bench.stats_data", timeout=1800)
    institution = str(Institution.objects.get(code=STATS_INSTITUTION).pk)
    root = str(data["root_id"])
    probes = {"sql": root, "city": root, "report_xlsx": institution, "report_pdf": institution}
    runs: dict[str, list[dict]] = {kind: [] for kind in probes}
    for _ in range(STATS_RUNS):  # interleaved, so a busy moment does not hit one kind only
        for kind, pk in probes.items():
            runs[kind].append(_json_run("tests.bench.stats_probe", kind, pk, timeout=600))
    best = {kind: min(results, key=lambda r: r["seconds"]) for kind, results in runs.items()}
    city, report, sql = best["city"], best["report_xlsx"], best["sql"]
    compared = [key for key in sql["summary"] if key != "institution_id"]
    mismatched = [
        key
        for key in compared
        if city["summary"].get(key) is None
        or abs(float(city["summary"][key]) - float(sql["summary"][key] or 0)) > 0.05
    ]
    units_differing = sum(
        1 for pk, figures in city["per_unit"].items() if sql["per_unit"].get(pk) != figures
    )
    summary = city["summary"]
    return {
        "city_s": round(city["seconds"], 2),
        "city_peak_mb": max(r["peak_mb"] for r in runs["city"]),
        "institution_report_s": round(report["seconds"], 2),
        "sql_limit_s": round(sql["seconds"], 2),
        "city_target_s": 15,
        "city_peak_target_mb": 2048,
        "institution_report_target_s": 2,
        "city_to_limit": round(city["seconds"] / sql["seconds"], 2),
        "city_runs_s": [round(r["seconds"], 2) for r in runs["city"]],
        "city_baseline_mb": city["baseline_mb"],
        "institution_report_runs_s": [round(r["seconds"], 2) for r in runs["report_xlsx"]],
        "institution_report_peak_mb": max(r["peak_mb"] for r in runs["report_xlsx"]),
        "institution_report_pdf_s": round(best["report_pdf"]["seconds"], 2),
        "institution_report_pdf_peak_mb": max(r["peak_mb"] for r in runs["report_pdf"]),
        "institution_report": {
            "via": "report_render(fmt='xlsx'), the last full month",
            **{key: report[key] for key in ("institution", "units", "people", "period", "bytes")},
        },
        "sql_limit_runs_s": [round(r["seconds"], 2) for r in runs["sql"]],
        "sql_matches_city_root": not mismatched,
        "sql_mismatched_columns": mismatched,
        "sql_units_differing": units_differing,
        "city": {
            "units": city["units"],
            "people": summary["people"],
            "completion_pct": summary["completion_pct"],
            "compliance_pct": summary["compliance_pct"],
            "mock_attempts": summary["mock_attempts"],
            "mock_pass_pct": summary["mock_pass_pct"],
            "score_mean": summary["score_mean"],
            "weak_points": city["weak_points"],
            "trend_courses_completed": city["trend_courses_completed"],
        },
        "generation_s": data.get("seconds"),
        "generation_steps_s": data.get("steps_s"),
        "rows": data["rows"],
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": STATS_RUNS,
    }


def machine() -> dict:
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql_client": pg,
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"comma-separated phases to run (default: all): {', '.join(PHASES)}",
    )
    phases = parser.parse_args().only.split(",")
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    if "answer_save" in phases and shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it")
    manage("migrate", "--verbosity", "0")
    manage("load_demo", "--no-activity")
    import django

    django.setup()
    path = HERE / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["machine"] = machine()
    plan = HERE / ".plan.txt"
    if "answer_save" in phases:
        prepare_attempts(plan)
        results["settings"] = {
            "gunicorn_workers": GUNICORN_WORKERS,
            "connections": CONNECTIONS,
            "wrk_threads": WRK_THREADS,
            "duration_s": DURATION_S,
            "database": "PostgreSQL (throwaway cluster, fsync off)",
            "django_settings": os.environ["DJANGO_SETTINGS_MODULE"],
        }
        results["answer_save"] = load_phase(plan)
    runners = {
        "assembly": assembly_phase,
        "prediction": prediction_phase,
        "certificates": certificates_phase,
        "stats": stats_phase,
    }
    for name, run in runners.items():
        if name in phases:
            results[name] = run()
    plan.unlink(missing_ok=True)
    shutil.rmtree(PRIVATE_MEDIA, ignore_errors=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    ran = {name: results[name] for name in PHASES if name in phases}
    print(json.dumps(ran, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
