"""Bench data for the statistics benchmark: a city of 2,000 institutions and 100,000 learners.

``python -m tests.bench.stats_data`` (Django settings from the environment, ``load_demo`` run
first: it brings the courses, mock exams, question versions and signing key) fills the database
in one transaction and prints one JSON line: seconds, row counts and the ids the benchmark needs.
Nothing goes through the ORM one row at a time: what needs decisions per person (the tree,
people, enrolments, attempts) is drawn in Python and sent with ``COPY``; everything derived
from it (lesson progress, study time, 5 million responses, scores, assignments, certificates,
hours, qualifications, targets) is ``INSERT … SELECT`` in PostgreSQL. Times are relative to
now, over the last ``WINDOW_DAYS`` days, so year-to-date figures stay non-trivial whenever it
runs. Deterministic for a given day (seeded ``random`` and ``setseed``). A second run finds the
bench city and only reports it.

``BENCH_STATS_SCALE`` (default 1) scales people, attempts and lesson completions, for trials.
"""

import datetime
import json
import math
import os
import random
import time

ROOT_CODE = "bench-city"
SCALE = float(os.environ.get("BENCH_STATS_SCALE", "1"))
PEOPLE = round(100_000 * SCALE)
ATTEMPTS = round(62_500 * SCALE)  # × 80 questions = 5,000,000 responses
LESSON_COMPLETIONS = round(500_000 * SCALE)
WINDOW_DAYS = 700
SECOND_MEMBERSHIP = 0.03

DISTRICTS = [
    "滨江",
    "长宁",
    "东港",
    "凤鸣",
    "港北",
    "海湾",
    "和平",
    "河西",
    "金沙",
    "临湖",
    "龙山",
    "南浦",
    "青云",
    "瑞安",
    "松林",
    "桃源",
    "新港",
    "杏花",
    "银湖",
    "云台",
]
STREETS = ["安康", "百花", "朝阳", "春晖", "大同", "福星", "光明", "红旗", "建设", "锦绣"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯晨欣怡佳琪"
# Per district, below the district office: kind, how many, people per unit (a relative weight).
UNITS = [
    ("civil_affairs", 1, 60),
    ("care_home", 4, 60),
    ("hospital", 3, 80),
    ("school", 5, 50),
    ("judicial", 2, 30),
    ("federation", 3, 30),
    ("petitions", 1, 25),
    ("veterans", 1, 25),
    ("emergency", 1, 25),
    ("agency", 5, 70),
    ("enterprise", 2, 40),
    ("other", 1, 30),
]  # plus 10 street stations (30 each) with 6 communities (45 each): 99 units per district
UNIT_NAMES = {
    "civil_affairs": "{d}区民政局",
    "care_home": "{d}区第{n}养老院",
    "hospital": "{d}区第{n}人民医院",
    "school": "{d}区第{n}中学",
    "judicial": "{d}区第{n}司法所",
    "federation": "{d}区第{n}群团服务中心",
    "petitions": "{d}区信访局",
    "veterans": "{d}区退役军人事务局",
    "emergency": "{d}区应急管理局",
    "agency": "{d}区第{n}社会工作服务中心",
    "enterprise": "{d}区第{n}企业服务站",
    "other": "{d}区志愿者协会",
}
CATEGORIES = {  # staff categories by kind of unit, with their shares
    "government": {"civil_servant": 80, "public_institution": 20},
    "street_station": {"social_worker": 70, "community_worker": 20, "volunteer": 10},
    "community": {"community_worker": 70, "social_worker": 15, "volunteer": 15},
    "public": {"public_institution": 60, "social_worker": 35, "volunteer": 5},
    "agency": {"social_worker": 85, "volunteer": 15},
    "federation": {"public_institution": 50, "civil_servant": 30, "volunteer": 20},
    "enterprise": {"social_worker": 40, "candidate": 40, "volunteer": 20},
}
GROUP = {
    "city": "government",
    "district": "government",
    "civil_affairs": "government",
    "judicial": "government",
    "petitions": "government",
    "veterans": "government",
    "emergency": "government",
    "care_home": "public",
    "hospital": "public",
    "school": "public",
    "other": "enterprise",
}


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_tree(root_path: str) -> list[dict]:
    """City → 20 districts → district units, street stations → communities: 2,000 nodes with
    treebeard's materialised paths (siblings in name order, as ``node_order_by`` keeps them)."""
    from institutions.models import Institution

    def node(path, name, code, kind, region, people):
        return {
            "path": path,
            "name": name,
            "code": code,
            "kind": kind,
            "region": region,
            "people": people,
            "children": [],
        }

    def add_children(parent, children):
        for step, child in enumerate(sorted(children, key=lambda c: c["name"]), start=1):
            depth = len(parent["path"]) // Institution.steplen + 1
            child["path"] = Institution._get_path(parent["path"], depth, step)
            parent["children"].append(child)
            add_children(child, child.pop("pending", []))

    city = node(root_path, "滨海市", ROOT_CODE, "city", "滨海市", 100)
    districts = []
    for d, dname in enumerate(DISTRICTS, start=1):
        region = f"滨海市{dname}区"
        units = []
        for kind, count, people in UNITS:
            if kind == "other" and d == 20:
                continue  # 1 + 20 + 20 × 99 − 1 = 2,000 institutions
            for n in range(1, count + 1):
                name = UNIT_NAMES[kind].format(d=dname, n=n)
                units.append(node("", name, f"bench-d{d:02d}-{kind}-{n}", kind, region, people))
        for s, street in enumerate(STREETS, start=1):
            station = node(
                "",
                f"{street}街道社会工作站",
                f"bench-d{d:02d}-s{s:02d}",
                "street_station",
                region,
                30,
            )
            station["pending"] = [
                node(
                    "",
                    f"{street}第{c}社区居民委员会",
                    f"bench-d{d:02d}-s{s:02d}-c{c}",
                    "community",
                    region,
                    45,
                )
                for c in range(1, 7)
            ]
            units.append(station)
        district = node("", f"{dname}区", f"bench-d{d:02d}", "district", region, 40)
        district["pending"] = units
        districts.append(district)
    add_children(city, districts)
    flat = []

    def walk(n):
        flat.append(n)
        for child in n["children"]:
            walk(child)

    walk(city)
    return flat


def draw_people(rng: random.Random, tree: list[dict], today: datetime.date) -> list[dict]:
    """Each person's unit (weighted by unit size), category, hire date and ability."""
    units = list(tree)
    district_skill = {n["code"]: rng.gauss(0, 0.35) for n in tree if n["kind"] == "district"}
    chosen = rng.choices(units, weights=[n["people"] for n in units], k=PEOPLE)
    people = []
    for i, unit in enumerate(chosen):
        shares = CATEGORIES[GROUP.get(unit["kind"], unit["kind"])]
        category = rng.choices(list(shares), weights=list(shares.values()))[0]
        years = rng.expovariate(1 / 7) if rng.random() > 0.1 else rng.random()
        second = rng.choice(units) if rng.random() < SECOND_MEMBERSHIP else None
        people.append(
            {
                "n": i,
                "unit": unit,
                "second": second if second is not unit else None,
                "category": category,
                "hired": today - datetime.timedelta(days=int(min(years, 35) * 365)),
                "ability": rng.gauss(0.35, 0.9) + district_skill.get(unit["code"][:9], 0.0),
            }
        )
    return people


def draw_enrolments(rng, people, courses, now):
    """Enrolments with the number of lessons each has completed; exactly LESSON_COMPLETIONS
    lessons in all (the course is complete when every lesson is)."""
    wants = {  # course kind → enrolment probability by whether the person is an exam candidate
        "exam_prep": (0.62, 0.25),
        "rotation_training": (0.18, 0.75),
    }
    enrolments = []
    for person in people:
        candidate = person["category"] in ("social_worker", "community_worker", "candidate")
        for course in courses:
            p_in, p_out = wants.get(course["kind"], (0.3, 0.3))
            if rng.random() >= (p_in if candidate else p_out) * course["share"]:
                continue
            lessons = len(course["lessons"])
            start = now - datetime.timedelta(days=rng.uniform(2, WINDOW_DAYS))
            done_p = 0.2 / (1 + math.exp(-person["ability"])) + 0.08
            done = lessons if rng.random() < done_p else int(rng.random() ** 3 * lessons)
            enrolments.append(
                {
                    "person": person,
                    "course": course,
                    "start": start,
                    "done": done,
                    "complete": done == lessons,
                }
            )
    total = sum(e["done"] for e in enrolments)
    partial = [e for e in enrolments if not e["complete"]]
    while total != LESSON_COMPLETIONS:
        e = rng.choice(partial)
        if total > LESSON_COMPLETIONS and e["done"] > 0:
            e["done"] -= 1
            total -= 1
        elif total < LESSON_COMPLETIONS and e["done"] < len(e["course"]["lessons"]) - 1:
            e["done"] += 1
            total += 1
    for e in enrolments:
        span = (now - e["start"]) * rng.uniform(0.2, 1.0)
        e["end"] = e["start"] + span  # last lesson completed, or last activity
    return enrolments


def draw_attempts(rng, enrolments, mock_quizzes, now):
    """ATTEMPTS submitted mock exams by people preparing for the exam, better with practice."""
    takers = [e for e in enrolments if e["course"]["subject_id"] in mock_quizzes]
    attempts = []
    while len(attempts) < ATTEMPTS:
        e = rng.choice(takers)
        count = 1 + min(int(rng.expovariate(0.6)), 5)
        for _ in range(count):
            when = e["start"] + (now - e["start"]) * rng.random()
            attempts.append((e, when))
    attempts = attempts[:ATTEMPTS]
    attempts.sort(key=lambda a: (a[0]["person"]["n"], a[0]["course"]["subject_id"], a[1]))
    rows, number, last = [], 0, None
    for e, when in attempts:
        key = (e["person"]["n"], e["course"]["subject_id"])
        number = number + 1 if key == last else 1
        last = key
        ability = e["person"]["ability"] + 0.12 * min(number - 1, 5) + rng.gauss(0, 0.3)
        minutes = rng.uniform(50, 120)
        rows.append(
            (
                e["person"]["user_id"],
                mock_quizzes[e["course"]["subject_id"]],
                number,
                when - datetime.timedelta(minutes=minutes),
                when,
                round(ability, 3),
                e["course"]["subject_id"],
                rng.randrange(1000),
            )
        )
    return rows


def counts(cursor, root_path: str) -> dict:
    """Rows of the bench city: its institutions, its people and what belongs to them."""
    units = "SELECT id FROM institutions_institution WHERE path LIKE %s"
    people = f"SELECT user_id FROM institutions_membership WHERE institution_id IN ({units})"  # noqa: S608
    tables = {
        "institutions": ("institutions_institution", "path LIKE %s"),
        "people": ("lms_user", f"id IN ({people})"),
        "memberships": ("institutions_membership", f"institution_id IN ({units})"),
        "enrolments": ("courses_enrollment", f"user_id IN ({people})"),
        "lesson_completions": ("courses_lessonprogress", f"user_id IN ({people})"),
        "study_time_rows": ("courses_studytime", f"user_id IN ({people})"),
        "mock_attempts": ("quizzes_attempt", f"user_id IN ({people})"),
        "responses": (
            "quizzes_response",
            f"attempt_id IN (SELECT id FROM quizzes_attempt WHERE user_id IN ({people}))",  # noqa: S608
        ),
        "assignments": ("reporting_assignment", f"user_id IN ({people})"),
        "certificates": ("certificates_certificate", f"holder_id IN ({people})"),
        "hours_entries": ("certificates_hoursentry", f"user_id IN ({people})"),
        "qualifications": ("reporting_externalqualification", f"user_id IN ({people})"),
        "annual_targets": ("reporting_annualtarget", f"institution_id IN ({units})"),
    }
    result = {}
    for key, (table, where) in tables.items():
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", [root_path + "%"])  # noqa: S608
        result[key] = cursor.fetchone()[0]
    return result


def generate() -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from institutions.models import Institution

    from . import stats_sql

    existing = Institution.objects.filter(code=ROOT_CODE).first()
    if existing is not None:
        with connection.cursor() as cursor:
            return {
                "generated": False,
                "root_id": existing.pk,
                "rows": counts(cursor, existing.path),
            }
    started = time.perf_counter()
    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate(now)
    last_root = Institution.get_root_nodes().order_by("-path").first()
    step = Institution._str2int(last_root.path) + 1 if last_root else 1
    root_path = Institution._get_path("", 1, step)  # a new root, after the demo city
    tree = build_tree(root_path)
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")  # bench data: no FK triggers
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT setseed(0.2026)")
        _copy(
            cursor,
            "institutions_institution",
            ["path", "depth", "numchild", "name", "name_en", "code", "kind", "region"],
            (
                (
                    n["path"],
                    len(n["path"]) // 4,
                    len(n["children"]),
                    n["name"],
                    "",
                    n["code"],
                    n["kind"],
                    n["region"],
                )
                for n in tree
            ),
        )
        cursor.execute(
            "SELECT code, id FROM institutions_institution WHERE path LIKE %s", [root_path + "%"]
        )
        ids = dict(cursor.fetchall())
        people = draw_people(rng, tree, today)
        names = [s + g for s in SURNAMES for g in GIVEN] + [
            s + g + h for s in SURNAMES[:10] for g in GIVEN[:20] for h in GIVEN[20:]
        ]
        _copy(
            cursor,
            "lms_user",
            [
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "real_name",
                "phone",
                "preferred_language",
            ],
            (
                (
                    "!",
                    False,
                    f"bench-{p['n']:06d}",
                    "",
                    "",
                    "",
                    False,
                    True,
                    now - datetime.timedelta(days=rng.uniform(WINDOW_DAYS, WINDOW_DAYS + 900)),
                    rng.choice(names),
                    "",
                    "",
                )
                for p in people
            ),
        )
        cursor.execute("SELECT username, id FROM lms_user WHERE username LIKE %s", ["bench-%"])
        users = dict(cursor.fetchall())
        memberships = []
        for p in people:
            p["user_id"] = users[f"bench-{p['n']:06d}"]
            for unit in (p["unit"], p["second"]):
                if unit is not None:
                    memberships.append(
                        (p["category"], "", p["hired"], ids[unit["code"]], p["user_id"])
                    )
        _copy(
            cursor,
            "institutions_membership",
            ["staff_category", "post", "hire_date", "institution_id", "user_id"],
            memberships,
        )
        cursor.execute(stats_sql.TEMP_TABLES)
        _copy(
            cursor,
            "bench_person",
            ["user_id", "district", "category", "hired", "ability"],
            (
                (p["user_id"], p["unit"]["code"][:9], p["category"], p["hired"], p["ability"])
                for p in people
            ),
        )
        courses = stats_sql.courses(cursor)
        enrolments = draw_enrolments(rng, people, courses, now)
        _copy(
            cursor,
            "bench_enrolment",
            ["user_id", "course_id", "started", "ended", "done", "lessons"],
            (
                (
                    e["person"]["user_id"],
                    e["course"]["id"],
                    e["start"],
                    e["end"],
                    e["done"],
                    len(e["course"]["lessons"]),
                )
                for e in enrolments
            ),
        )
        _copy(
            cursor,
            "bench_lesson",
            ["course_id", "idx", "lesson_id"],
            ((c["id"], i, lesson) for c in courses for i, lesson in enumerate(c["lessons"], 1)),
        )
        mock_quizzes = stats_sql.mock_quizzes(cursor)
        _copy(
            cursor,
            "bench_attempt_src",
            [
                "user_id",
                "quiz_id",
                "number",
                "started",
                "submitted",
                "ability",
                "subject_id",
                "shift",
            ],
            draw_attempts(rng, enrolments, mock_quizzes, now),
        )
        timings = stats_sql.fill(
            cursor, root_path=root_path, now=now, today=today, window_days=WINDOW_DAYS
        )
    with connection.cursor() as cursor:
        for table in stats_sql.TABLES:
            cursor.execute(f"ANALYZE {table}")
        rows = counts(cursor, root_path)
    problems = Institution.find_problems()
    root = Institution.objects.get(code=ROOT_CODE)
    assert not any(problems), problems
    assert root.get_descendant_count() == len(tree) - 1
    return {
        "generated": True,
        "seconds": round(time.perf_counter() - started, 1),
        "steps_s": timings,
        "root_id": root.pk,
        "rows": rows,
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(generate(), ensure_ascii=False))
