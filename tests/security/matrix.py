"""Who may do what: every URL of Qihang × every role, written down as expected.

One entry per line: ``"<url name> <METHOD> [<target>]": row(...)``.

- The URL name is Django's (``api:`` for ``/api/v1/``); a key starting with ``/`` is a path
  (``{placeholders}`` are filled from the test world), used for the Wagtail admin and pages,
  which are covered as a whole by one prefix each plus a few representative addresses.
- The target says whose object the URL's id points at: ``mine`` (the caller's own),
  ``member_b`` / ``civil_servant`` / ``candidate`` (that person's), ``a`` / ``b`` (of
  institution A or B), ``unknown`` (no such object); ``unit=a`` is a query parameter. Without a
  target the id is the world's one object of that kind (the course, the quiz, …).
- Outcomes: ``OK`` 2xx (or a redirect after a POST), ``AWAY`` a GET redirected elsewhere than
  the login page, ``LOGIN`` redirected to log in or 401, ``DENY`` 403 or 404, ``BAD`` 400/409
  (allowed in, the request itself is refused).

Roles: anonymous, candidate, civil_servant (candidate, civil servant of unit A1), trainer,
admin_a / admin_b (institution admins of districts A / B), supervisor, city_admin.
A new URL without an entry fails ``test_every_url_has_an_entry``: add its line here (and, for
an id of a new kind, where to find one in ``_ids()`` of ``test_matrix.py``).
"""

from tests.security.world import ROLES

OK, AWAY, LOGIN, DENY, BAD = "ok", "away", "login", "deny", "bad"


def row(default: str, **by_role: str) -> dict[str, str]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


PUBLIC = row(OK)
SIGNED_IN = row(OK, anonymous=LOGIN)
NOBODY = row(DENY, anonymous=LOGIN)  # not even the signed-in: someone else's
ADMINS = row(DENY, anonymous=LOGIN, admin_a=OK, admin_b=OK, city_admin=OK)
OF_A = row(DENY, anonymous=LOGIN, admin_a=OK, city_admin=OK)
OF_B = row(DENY, anonymous=LOGIN, admin_b=OK, city_admin=OK)
STAFF = row(DENY, anonymous=LOGIN, trainer=OK, admin_a=OK, admin_b=OK, supervisor=OK, city_admin=OK)
ENROLLED = row(DENY, anonymous=LOGIN, candidate=OK, civil_servant=OK)
# The Wagtail admin sends a signed-in person without admin access back to its login page, and
# someone without the permission a screen needs to the admin's home page (AWAY).
AUTHORS = row(LOGIN, trainer=OK, city_admin=OK)

MATRIX: dict[str, dict[str, str]] = {
    # --- the API, /api/v1/ (token authentication) --------------------------------------------
    "api:token POST": row(BAD),  # no credentials sent: refused, whoever asks
    "api:me GET": SIGNED_IN,
    "api:me PATCH": SIGNED_IN,
    "api:syllabus GET": PUBLIC,
    "api:course-list GET": PUBLIC,
    "api:course-detail GET": PUBLIC,
    "api:course-enroll POST": SIGNED_IN,
    "api:my-enrollments GET": SIGNED_IN,
    "api:lesson-complete POST": ENROLLED,
    "api:lesson-heartbeat POST": ENROLLED,
    "api:quiz-list GET": SIGNED_IN,
    "api:my-certificates GET": SIGNED_IN,
    "api:certificate-verify POST": row(BAD),  # public; an empty body is not a credential
    "api:institution-list GET": SIGNED_IN,  # an empty list for anyone who administers nothing
    "api:institution-statistics GET a": OF_A,
    "api:institution-statistics GET b": OF_B,
    "api:institution-statistics GET unknown": NOBODY,
    "api:readiness GET": SIGNED_IN,
    "api:notebook GET": SIGNED_IN,
    "api:notebook-review POST": row(BAD, anonymous=LOGIN),  # nothing due in anyone's notebook
    "api:attempt-start POST": SIGNED_IN,
    "api:attempt GET mine": SIGNED_IN,
    "api:attempt GET member_b": NOBODY,
    "api:answer-save PUT mine": SIGNED_IN,
    "api:answer-save PUT member_b": NOBODY,
    "api:attempt-submit POST mine": SIGNED_IN,
    "api:attempt-submit POST member_b": NOBODY,
    # --- the project ---------------------------------------------------------------------------
    "healthz GET": PUBLIC,
    "schema GET": PUBLIC,
    "api-docs GET": PUBLIC,
    "register GET": row(AWAY, anonymous=OK),
    "profile GET": SIGNED_IN,
    "profile POST": SIGNED_IN,
    "login GET": row(AWAY, anonymous=OK),
    "logout POST": PUBLIC,
    "password_change GET": SIGNED_IN,
    "password_change_done GET": SIGNED_IN,
    "password_reset GET": PUBLIC,
    "password_reset_done GET": PUBLIC,
    "password_reset_confirm GET": PUBLIC,  # a made-up link: the "invalid link" page
    "password_reset_complete GET": PUBLIC,
    "set-language POST": PUBLIC,
    "notices GET": SIGNED_IN,
    # Two-factor sign-in: offered to staff roles (required for city admins outside the tests).
    "two-factor GET": STAFF,
    "two-factor-setup GET": STAFF,
    "two-factor-verify GET": row(AWAY, anonymous=LOGIN),  # nothing owed: on to the site
    "two-factor-recovery-codes GET": row(AWAY, anonymous=LOGIN),  # no authenticator yet
    "my-data GET": SIGNED_IN,  # always the caller's own data
    "account-delete GET": SIGNED_IN,
    "account-delete POST": SIGNED_IN,  # without the confirmation: the form again
    # --- learning ------------------------------------------------------------------------------
    "my-learning GET": SIGNED_IN,
    "course-enroll POST": SIGNED_IN,
    "course-restart POST": ENROLLED,
    "lesson-complete POST": SIGNED_IN,  # the learner's own progress; not enrolled: a message
    "/ GET": PUBLIC,  # Wagtail pages: the home page, a course, a lesson
    "{course_url} GET": PUBLIC,
    "{lesson_url} GET": row(AWAY, candidate=OK, civil_servant=OK, anonymous=LOGIN),
    "wagtailcore_login GET": PUBLIC,
    "wagtailcore_authenticate_with_password GET": row(DENY),  # no such restriction
    # --- quizzes -------------------------------------------------------------------------------
    "quiz-list GET": SIGNED_IN,
    "quiz-start POST": SIGNED_IN,
    "readiness GET": SIGNED_IN,
    "notebook GET": SIGNED_IN,
    "notebook-review POST": SIGNED_IN,
    "practise-point POST": SIGNED_IN,
    "attempt GET mine": SIGNED_IN,
    "attempt GET member_b": NOBODY,
    "attempt-service-worker GET": PUBLIC,
    "grading GET": row(DENY, anonymous=LOGIN, trainer=OK, city_admin=OK),
    "grade-response GET": row(DENY, anonymous=LOGIN, trainer=OK),  # the bank's author only
    "grade-response GET other_bank": NOBODY,  # an answer in a bank the trainer does not author
    # --- institutions --------------------------------------------------------------------------
    "institution-dashboard GET": ADMINS,
    "institution-dashboard GET unit=a": OF_A,
    "institution-dashboard GET unit=b": OF_B,
    "institution-dashboard GET institution=b": ADMINS,  # not a filter: their own dashboard
    "institution-people GET": ADMINS,
    "institution-people GET unit=a": OF_A,
    "institution-people GET unit=b": OF_B,
    "supervisor-team GET": row(DENY, anonymous=LOGIN, supervisor=OK),
    "person-record GET civil_servant": OF_A,
    "person-record GET member_b": OF_B,
    "person-record GET candidate": NOBODY,
    "audit-log GET": row(DENY, anonymous=LOGIN, city_admin=OK),
    "requirement-list GET": ADMINS,
    "requirement-add GET": ADMINS,
    "requirement-edit GET a": OF_A,
    "requirement-edit GET b": OF_B,
    "qualification-reviews GET": ADMINS,
    "qualification-decide POST a": OF_A,  # an incomplete form: back to the list
    "qualification-decide POST b": OF_B,
    "qualification-evidence GET a": row(
        DENY, anonymous=LOGIN, civil_servant=OK, admin_a=OK, city_admin=OK
    ),
    "qualification-evidence GET b": OF_B,
    "institution-reports GET": ADMINS,
    "institution-reports GET unit=a": OF_A,
    "institution-reports GET unit=b": OF_B,
    "institution-report GET a": OF_A,
    "institution-report GET b": OF_B,
    "institution-report-status GET a": OF_A,
    "institution-report-status GET b": OF_B,
    "institution-report-download GET a": OF_A,
    "institution-report-download GET b": OF_B,
    "my-training GET": SIGNED_IN,
    "roster-import GET": ADMINS,
    "roster-template GET": ADMINS,
    "roster-import-detail GET a": row(DENY, anonymous=LOGIN, admin_a=OK),  # the uploader's own
    "roster-import-detail GET b": row(DENY, anonymous=LOGIN, admin_b=OK),
    "roster-import-progress GET a": row(DENY, anonymous=LOGIN, admin_a=OK),
    "roster-import-progress GET b": row(DENY, anonymous=LOGIN, admin_b=OK),
    # --- certificates --------------------------------------------------------------------------
    "my-certificates GET": SIGNED_IN,
    "transcript GET": SIGNED_IN,  # always the caller's own
    "transcript-of GET civil_servant": OF_A,
    "transcript-of GET member_b": OF_B,
    "transcript-of GET candidate": NOBODY,  # in no institution: nobody administers them
    "certificate-desk GET": ADMINS,
    "certificate-template-preview GET": row(DENY, trainer=OK, city_admin=OK),
    "certificate-export GET a": row(DENY, anonymous=LOGIN, admin_a=OK),  # the requester's own
    "certificate-export GET b": row(DENY, anonymous=LOGIN, admin_b=OK),
    "hours GET": SIGNED_IN,
    "hours-review GET": ADMINS,
    "hours-evidence GET a": row(DENY, anonymous=LOGIN, civil_servant=OK, admin_a=OK, city_admin=OK),
    "hours-evidence GET b": OF_B,
    # Public by design: anyone holding the code may verify it and fetch the signed credential.
    "certificate-verify GET civil_servant": PUBLIC,
    "certificate-verify GET unknown": row(DENY),
    "certificate-credential GET civil_servant": PUBLIC,
    "certificate-status-list GET": PUBLIC,
    # The PDF: its holder and the holder's admins only.
    "certificate-pdf GET civil_servant": row(
        DENY, anonymous=LOGIN, civil_servant=OK, admin_a=OK, city_admin=OK
    ),
    "certificate-pdf GET member_b": OF_B,
    # --- Wagtail admin (/admin/ as a whole) and documents (/documents/ as a whole) --------------
    "/admin/ GET": AUTHORS,
    "/admin/pages/ GET": row(LOGIN, trainer=AWAY, city_admin=OK),
    "/admin/snippets/quizzes/question/ GET": row(LOGIN, trainer=OK, city_admin=AWAY),
    "/admin/snippets/courses/subject/ GET": AUTHORS,
    "/admin/users/ GET": row(LOGIN, trainer=AWAY, city_admin=OK),
    "/admin/quizzes/statistics/{quiz}/ GET": row(LOGIN, trainer=OK, city_admin=OK),
    "/admin/question-files/import/ GET": row(LOGIN, trainer=OK, city_admin=AWAY),
    "/documents/{document}/unknown.pdf GET": row(DENY),
}
