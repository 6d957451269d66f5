"""The set-based half of the statistics bench data (see ``stats_data``): PostgreSQL derives
lesson progress, study time, responses, scores, certificates, hours, qualifications,
requirements, assignments and targets from the few temporary tables Python filled with COPY."""

import contextlib
import random
import time

TEMP_TABLES = """
CREATE TEMP TABLE bench_person (
    user_id bigint PRIMARY KEY, district text, category text, hired date, ability float8
) ON COMMIT DROP;
CREATE TEMP TABLE bench_enrolment (
    user_id bigint, course_id int, started timestamptz, ended timestamptz, done int, lessons int
) ON COMMIT DROP;
CREATE TEMP TABLE bench_lesson (course_id int, idx int, lesson_id int) ON COMMIT DROP;
CREATE TEMP TABLE bench_attempt_src (
    user_id bigint, quiz_id bigint, number int, started timestamptz, submitted timestamptz,
    ability float8, subject_id bigint, shift int
) ON COMMIT DROP;
CREATE TEMP TABLE bench_slot (
    subject_id bigint, pos int, section int, points numeric, versions int
) ON COMMIT DROP;
CREATE TEMP TABLE bench_version (
    subject_id bigint, section int, idx int, version_id bigint, hardness float8
) ON COMMIT DROP;
"""

TABLES = [
    "institutions_institution",
    "institutions_membership",
    "lms_user",
    "courses_enrollment",
    "courses_lessonprogress",
    "courses_studytime",
    "quizzes_attempt",
    "quizzes_response",
    "certificates_certificate",
    "certificates_hoursentry",
    "reporting_trainingrequirement",
    "reporting_assignment",
    "reporting_externalqualification",
    "reporting_annualtarget",
]


def courses(cursor) -> list[dict]:
    """Every course with lessons, its lessons in tree order, and how popular it is."""
    cursor.execute(
        """
        SELECT c.page_ptr_id, c.kind, c.subject_id, array_agg(l.id ORDER BY l.path)
        FROM courses_coursepage c
        JOIN wagtailcore_page cp ON cp.id = c.page_ptr_id
        JOIN wagtailcore_page l ON l.path LIKE cp.path || '%%' AND l.depth > cp.depth
        JOIN courses_lessonpage lp ON lp.page_ptr_id = l.id
        GROUP BY 1, 2, 3 ORDER BY 1
        """,
        [],
    )
    result, seen = [], set()
    for course_id, kind, subject_id, lessons in cursor.fetchall():
        share = 0.75 if kind in seen else 1.0  # a second course of a kind draws fewer people
        seen.add(kind)
        result.append(
            {
                "id": course_id,
                "kind": kind,
                "subject_id": subject_id,
                "lessons": lessons,
                "share": share,
            }
        )
    return result


def mock_quizzes(cursor) -> dict[int, int]:
    """subject id → its mock exam, for subjects that have one and a choice-question blueprint;
    fills ``bench_slot`` and ``bench_version`` (the versions a mock exam draws, with how hard
    each is: difficulty, a per-chapter offset that makes some knowledge points weak, noise)."""
    rng = random.Random(7)
    cursor.execute(
        """
        SELECT q.subject_id, min(q.id) FROM quizzes_quiz q
        JOIN courses_blueprint b ON b.subject_id = q.subject_id
        WHERE q.kind = 'mock_exam'
          AND NOT EXISTS (SELECT 1 FROM courses_blueprintsection s WHERE s.blueprint_id = b.id
                          AND s.question_type NOT IN ('single_choice', 'multiple_choice'))
        GROUP BY 1
        """,
        [],
    )
    quizzes = dict(cursor.fetchall())
    chapter_bias: dict[int, float] = {}
    slots, versions = [], []
    for subject_id in list(quizzes):
        cursor.execute(
            """
            SELECT s.sort_order, s.question_type, s.count, s.points_each
            FROM courses_blueprintsection s JOIN courses_blueprint b ON b.id = s.blueprint_id
            WHERE b.subject_id = %s ORDER BY s.sort_order
            """,
            [subject_id],
        )
        pos, ok, subject_slots, subject_versions = 0, True, [], []
        for section, (_, qtype, count, points) in enumerate(cursor.fetchall()):
            cursor.execute(
                """
                SELECT v.id, v.difficulty, v.chapter_id FROM quizzes_question q
                JOIN quizzes_questionversion v ON v.id = q.current_version_id
                JOIN courses_chapter c ON c.id = v.chapter_id
                WHERE c.subject_id = %s AND v.type = %s ORDER BY v.id
                """,
                [subject_id, qtype],
            )
            pool = cursor.fetchall()
            ok = ok and len(pool) >= count
            for idx, (version_id, difficulty, chapter_id) in enumerate(pool):
                bias = chapter_bias.setdefault(chapter_id, rng.gauss(0, 0.45))
                hardness = (difficulty - 3) * 0.4 + bias + rng.gauss(0, 0.3)
                subject_versions.append((subject_id, section, idx, version_id, hardness))
            for _ in range(count):
                pos += 1
                subject_slots.append((subject_id, pos, section, points, len(pool)))
        if ok and subject_slots:
            slots += subject_slots
            versions += subject_versions
        else:
            del quizzes[subject_id]
    with cursor.copy("COPY bench_slot FROM STDIN") as copy:
        for row in slots:
            copy.write_row(row)
    with cursor.copy("COPY bench_version FROM STDIN") as copy:
        for row in versions:
            copy.write_row(row)
    return quizzes


STEPS = {
    "lesson_progress": """
        INSERT INTO courses_lessonprogress (completed_at, course_id, lesson_id, user_id)
        SELECT e.started + (e.ended - e.started) * (l.idx::float8 / e.done),
               e.course_id, l.lesson_id, e.user_id
        FROM bench_enrolment e JOIN bench_lesson l ON l.course_id = e.course_id AND l.idx <= e.done
    """,
    "enrolments": """
        INSERT INTO courses_enrollment
            (enrolled_at, completed_at, last_activity_at, course_id, user_id, last_lesson_id)
        SELECT e.started, CASE WHEN e.done = e.lessons THEN e.ended END, e.ended,
               e.course_id, e.user_id, l.lesson_id
        FROM bench_enrolment e
        LEFT JOIN bench_lesson l
               ON l.course_id = e.course_id AND l.idx = least(e.done + 1, e.lessons)
    """,
    "study_time": """
        INSERT INTO courses_studytime (day, seconds, course_id, lesson_id, user_id)
        SELECT (p.completed_at AT TIME ZONE %(tz)s)::date, 300 + floor(random() * 2400)::int,
               p.course_id, p.lesson_id, p.user_id
        FROM courses_lessonprogress p JOIN bench_person b ON b.user_id = p.user_id
        UNION ALL
        SELECT (e.ended AT TIME ZONE %(tz)s)::date, 120 + floor(random() * 1200)::int,
               e.course_id, l.lesson_id, e.user_id
        FROM bench_enrolment e
        JOIN bench_lesson l ON l.course_id = e.course_id AND l.idx = e.done + 1
    """,
    "attempts": """
        INSERT INTO quizzes_attempt
            (number, state, started_at, deadline, time_factor, submitted_at, submit_reason,
             max_score, pass_mark, score, provisional, user_id, quiz_id, analysed_at)
        SELECT s.number, 'submitted', s.started, s.started + interval '120 minutes', 1.00,
               s.submitted, 'learner', m.max_score, b.pass_mark, NULL, false,
               s.user_id, s.quiz_id, s.submitted
        FROM bench_attempt_src s
        JOIN courses_blueprint b ON b.subject_id = s.subject_id
        JOIN (SELECT subject_id, sum(points) AS max_score FROM bench_slot GROUP BY 1) m
          ON m.subject_id = s.subject_id
        ORDER BY s.submitted
    """,
    "attempt_ids": """
        CREATE TEMP TABLE bench_attempt ON COMMIT DROP AS
        SELECT a.id AS attempt_id, s.* FROM quizzes_attempt a
        JOIN bench_attempt_src s USING (user_id, quiz_id, number) ORDER BY a.id
    """,
    # 80 questions an attempt; right with a logistic chance of ability against hardness;
    # a multiple-choice answer that is not right earns partial points now and then.
    "responses": """
        INSERT INTO quizzes_response
            (position, option_order, max_points, answer, seq, saved_at, flagged, points,
             graded_at, feedback, attempt_id, version_id)
        SELECT x.pos, '[0, 1, 2, 3]', x.points,
               CASE WHEN x.ok THEN '[0]'::jsonb ELSE '[1]'::jsonb END, x.pos,
               x.started + (x.submitted - x.started) * (x.pos / 81.0), false,
               CASE WHEN x.ok THEN x.points WHEN x.points > 1 AND x.r < 0.3 THEN 0.5 ELSE 0 END,
               x.submitted, '', x.attempt_id, x.version_id
        FROM (
            SELECT a.attempt_id, a.started, a.submitted, s.pos, s.points, v.version_id,
                   random() < 1 / (1 + exp(v.hardness - a.ability)) AS ok, random() AS r
            FROM bench_attempt a
            JOIN bench_slot s ON s.subject_id = a.subject_id
            JOIN bench_version v ON v.subject_id = s.subject_id AND v.section = s.section
                 AND v.idx = (a.shift + s.pos) %% s.versions
        ) x
    """,
    "scores": """
        UPDATE quizzes_attempt a SET score = r.total
        FROM (SELECT r.attempt_id, sum(r.points) AS total
              FROM bench_attempt b JOIN quizzes_response r ON r.attempt_id = b.attempt_id
              GROUP BY 1) r
        WHERE a.id = r.attempt_id
    """,
    # Certificates of the rotation-training programme: one per completed course, and older
    # ones (issued 30–40 months ago, so expired, expiring or valid) for some others.
    "certificates": """
        INSERT INTO certificates_certificate
            (serial, code, holder_name, programme_name, issuer_name, hours, issued_at,
             expires_at, current, revoked_at, revoked_reason, credential, pdf, holder_id,
             programme_id, signing_key_id)
        SELECT 'BH-' || to_char(c.issued, 'YYYY') || '-' || lpad(c.n::text, 6, '0'),
               md5('bench-certificate-' || c.n), u.real_name, g.name, i.name, g.credit_hours,
               c.issued, c.issued + make_interval(months => coalesce(g.validity_months, 36)),
               true, CASE WHEN c.r < 0.01 THEN c.issued + interval '30 days' END, '', NULL, '',
               c.user_id, g.id, %(key)s
        FROM (
            SELECT row_number() OVER (ORDER BY issued) AS n, user_id, issued, random() AS r
            FROM (
                SELECT e.user_id, e.completed_at + interval '2 hours' AS issued
                FROM courses_enrollment e JOIN bench_person p ON p.user_id = e.user_id
                WHERE e.course_id = %(course)s AND e.completed_at IS NOT NULL
                UNION ALL
                SELECT p.user_id, %(now)s - (900 + random() * 300) * interval '1 day'
                FROM bench_person p
                WHERE random() < 0.04 AND NOT EXISTS (
                    SELECT 1 FROM courses_enrollment e WHERE e.user_id = p.user_id
                    AND e.course_id = %(course)s AND e.completed_at IS NOT NULL)
            ) issued
        ) c
        JOIN lms_user u ON u.id = c.user_id
        JOIN certificates_certificateprogramme g ON g.id = %(programme)s
        JOIN institutions_institution i ON i.id = g.issuer_id
    """,
    "hours": """
        INSERT INTO certificates_hoursentry
            (title, provider, hours, earned_on, evidence, state, reviewed_at, review_note,
             created_at, certificate_id, user_id)
        SELECT c.programme_name, c.issuer_name, c.hours, (c.issued_at AT TIME ZONE %(tz)s)::date,
               '', 'approved', c.issued_at, '', c.issued_at, c.id, c.holder_id
        FROM certificates_certificate c JOIN bench_person p ON p.user_id = c.holder_id
        UNION ALL
        SELECT '社会工作继续教育专题培训', '滨海市社会工作协会', 4 * (1 + floor(x.r * 5)), x.earned,
               'hours/bench.pdf',
               CASE WHEN x.r < 0.8 THEN 'approved' WHEN x.r < 0.95 THEN 'pending'
                    ELSE 'rejected' END,
               CASE WHEN x.r < 0.8 OR x.r >= 0.95 THEN x.earned + interval '5 days' END,
               '', x.earned + interval '1 day', NULL, x.user_id
        FROM (SELECT p.user_id, random() AS r,
                     %(today)s - floor(random() * %(window)s)::int AS earned
              FROM bench_person p CROSS JOIN generate_series(1, 2)
              WHERE p.category IN ('social_worker', 'community_worker') AND random() < 0.35) x
    """,
    "qualifications": """
        INSERT INTO reporting_externalqualification
            (kind, title, number, issuer, issued_on, evidence, state, submitted_at, reviewed_at,
             review_note, user_id)
        SELECT k.kind, k.title, 'BHQ' || lpad(x.n::text, 8, '0'), k.issuer, x.issued,
               'qualifications/bench.pdf',
               CASE WHEN x.r2 < 0.85 THEN 'approved' WHEN x.r2 < 0.95 THEN 'pending'
                    ELSE 'rejected' END,
               least(%(now)s, x.issued + interval '14 days'),
               CASE WHEN x.r2 < 0.85 OR x.r2 >= 0.95
                    THEN least(%(now)s, x.issued + interval '17 days') END,
               '', x.user_id
        FROM (SELECT p.user_id, row_number() OVER () AS n, random() AS r1, random() AS r2,
                     %(today)s - floor(random() * %(window)s)::int AS issued
              FROM bench_person p
              WHERE p.category IN ('social_worker', 'community_worker', 'candidate')
                AND random() < 0.03 + 0.12 / (1 + exp(-p.ability))) x
        JOIN (VALUES (0.0, 0.6, 'junior', '助理社会工作师职业水平证书', '人力资源和社会保障部'),
                     (0.6, 0.9, 'intermediate', '社会工作师职业水平证书', '人力资源和社会保障部'),
                     (0.9, 0.95, 'senior', '高级社会工作师职业水平证书', '人力资源和社会保障部'),
                     (0.95, 1.01, 'training', '社会工作专题培训结业证书', '省社会工作协会'))
             AS k(low, high, kind, title, issuer) ON x.r1 >= k.low AND x.r1 < k.high
    """,
    # Four requirements: new staff's rotation training within 6 months of hire; community
    # workers' exam-prep course by a date now past; social workers hold the programme's
    # certificate by the year's end; five districts' everyone-completes course due next month.
    "assignments": """
        INSERT INTO reporting_assignment
            (assigned_at, due_on, completed_at, user_id, requirement_id)
        SELECT greatest(p.hired::timestamptz, r.created_at), p.hired + interval '6 months',
               e.completed_at, p.user_id, r.id
        FROM reporting_trainingrequirement r
        JOIN bench_person p ON p.category IN ('civil_servant', 'public_institution')
             AND p.hired >= r.hired_after
        LEFT JOIN courses_enrollment e ON e.user_id = p.user_id AND e.course_id = r.course_id
        WHERE r.id = %(r_new_staff)s
        UNION ALL
        SELECT r.created_at, r.due_date, e.completed_at, p.user_id, r.id
        FROM reporting_trainingrequirement r
        JOIN bench_person p ON p.category = 'community_worker'
        LEFT JOIN courses_enrollment e ON e.user_id = p.user_id AND e.course_id = r.course_id
        WHERE r.id = %(r_community)s
        UNION ALL
        SELECT r.created_at, r.due_date, c.issued_at, p.user_id, r.id
        FROM reporting_trainingrequirement r
        JOIN bench_person p ON p.category = 'social_worker'
        LEFT JOIN certificates_certificate c ON c.holder_id = p.user_id
             AND c.programme_id = r.programme_id AND c.current AND c.revoked_at IS NULL
        WHERE r.id = %(r_social)s
        UNION ALL
        SELECT r.created_at, r.due_date, e.completed_at, p.user_id, r.id
        FROM reporting_trainingrequirement r
        JOIN institutions_institution d ON d.id = r.institution_id
        JOIN bench_person p ON p.district = d.code
        LEFT JOIN courses_enrollment e ON e.user_id = p.user_id AND e.course_id = r.course_id
        WHERE r.name LIKE '%%区全员社会工作实务培训'
    """,
    "annual_targets": """
        INSERT INTO reporting_annualtarget (year, qualified_people, institution_id)
        SELECT y.year, greatest(1, round(t.people * 0.04))::int, t.id
        FROM (SELECT u.id, count(DISTINCT m.user_id) AS people
              FROM institutions_membership m
              JOIN institutions_institution mi ON mi.id = m.institution_id
              CROSS JOIN LATERAL generate_series(1, mi.depth) AS d
              JOIN institutions_institution u ON u.path = left(mi.path, d * 4)
              WHERE mi.path LIKE %(root)s AND u.path LIKE %(root)s AND u.depth <= 3
              GROUP BY u.id) t
        CROSS JOIN (VALUES (%(year)s - 1), (%(year)s)) AS y(year)
    """,
}

TARGETS = {  # the table each step fills
    "lesson_progress": "courses_lessonprogress",
    "enrolments": "courses_enrollment",
    "study_time": "courses_studytime",
    "attempts": "quizzes_attempt",
    "attempt_ids": "bench_attempt",
    "responses": "quizzes_response",
    "scores": "quizzes_attempt",
    "certificates": "certificates_certificate",
    "hours": "certificates_hoursentry",
    "qualifications": "reporting_externalqualification",
    "assignments": "reporting_assignment",
    "annual_targets": "reporting_annualtarget",
}
REBUILT = {"lesson_progress", "study_time", "responses"}  # millions of rows, or nearly

REQUIREMENTS = """
INSERT INTO reporting_trainingrequirement
    (name, staff_categories, hired_after, target, qualification_kinds, due_rule, due_date,
     due_months, active, created_at, course_id, institution_id, programme_id)
VALUES
    ('新录用人员社会工作轮训', '["civil_servant", "public_institution"]', %(two_years_ago)s,
     'course', '[]', 'months_after_hire', NULL, 6, true, %(created)s, %(rotation)s, %(root_id)s,
     NULL),
    ('社区工作者社会工作综合能力培训', '["community_worker"]', NULL, 'course', '[]',
     'fixed_date', %(past_due)s, NULL, true, %(created)s, %(exam_prep)s, %(root_id)s, NULL),
    ('社会工作者持证上岗', '["social_worker"]', NULL, 'programme', '[]', 'fixed_date',
     %(year_end)s, NULL, true, %(created)s, NULL, %(root_id)s, %(programme)s)
RETURNING id
"""


@contextlib.contextmanager
def indexes_rebuilt(cursor, table: str):
    """Drop ``table``'s secondary indexes and unique constraints, then build them again, the
    same names and definitions: for millions of rows, faster than keeping them up to date."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        cursor.execute(definition)


def fill(cursor, *, root_path: str, now, today, window_days: int) -> dict:
    """Run the steps in order; seconds per step."""
    import datetime

    from django.conf import settings

    cursor.execute(
        "SELECT id, course_id FROM certificates_certificateprogramme WHERE course_id IS NOT NULL"
        " ORDER BY id LIMIT 1",
        [],
    )
    programme, rotation = cursor.fetchone()
    cursor.execute("SELECT id FROM certificates_signingkey WHERE current ORDER BY id LIMIT 1", [])
    key = cursor.fetchone()[0]
    cursor.execute(
        "SELECT c.page_ptr_id, c.subject_id FROM courses_coursepage c WHERE kind = 'exam_prep'"
        " AND subject_id IS NOT NULL ORDER BY subject_id, page_ptr_id",
        [],
    )
    exam_prep = cursor.fetchall()
    cursor.execute("SELECT id FROM institutions_institution WHERE path = %s", [root_path])
    root_id = cursor.fetchone()[0]
    params = {
        "tz": settings.TIME_ZONE,
        "now": now,
        "today": today,
        "window": window_days,
        "key": key,
        "course": rotation,
        "programme": programme,
        "root": root_path + "%",
        "year": today.year,
    }
    cursor.execute(
        "ANALYZE bench_person, bench_enrolment, bench_lesson, bench_attempt_src,"
        " bench_slot, bench_version"
    )
    timings = {}
    for name, sql in STEPS.items():
        if name == "assignments":
            cursor.execute(
                REQUIREMENTS,
                {
                    "two_years_ago": today - datetime.timedelta(days=730),
                    "created": now - datetime.timedelta(days=window_days),
                    "rotation": rotation,
                    "root_id": root_id,
                    "past_due": today - datetime.timedelta(days=60),
                    "exam_prep": exam_prep[0][0],
                    "year_end": datetime.date(today.year, 12, 31),
                    "programme": programme,
                },
            )
            ids = [row[0] for row in cursor.fetchall()]
            params.update(r_new_staff=ids[0], r_community=ids[1], r_social=ids[2])
            cursor.execute(
                """
                INSERT INTO reporting_trainingrequirement
                    (name, staff_categories, target, qualification_kinds, due_rule, due_date,
                     active, created_at, course_id, institution_id)
                SELECT d.name || '全员社会工作实务培训', '[]', 'course', '[]', 'fixed_date',
                       %(due)s, true, %(created)s, %(course)s, d.id
                FROM institutions_institution d
                WHERE d.path LIKE %(root)s AND d.kind = 'district' ORDER BY d.path LIMIT 5
                """,
                {
                    "due": today + datetime.timedelta(days=30),
                    "created": now - datetime.timedelta(days=90),
                    "course": exam_prep[-1][0],
                    "root": root_path + "%",
                },
            )
        started = time.perf_counter()
        table = TARGETS[name]
        if name in REBUILT:
            with indexes_rebuilt(cursor, table):
                cursor.execute(sql, params)
        else:
            cursor.execute(sql, params)
        cursor.execute(f"ANALYZE {table}")  # the next steps join it: plan with its real size
        timings[name] = round(time.perf_counter() - started, 1)
    return timings
