"""The ``/api/v1/`` URL map. Each app's API views live in its own ``api.py``."""

from django.urls import path

from certificates import api as certificates_api
from courses import api as courses_api
from institutions.reporting import api as reporting_api
from lms.token_api import ObtainTokenApi
from quizzes import api as quizzes_api

app_name = "api"

urlpatterns = [
    path("auth/token/", ObtainTokenApi.as_view(), name="token"),
    path("me/", courses_api.MeApi.as_view(), name="me"),
    path("syllabus/", courses_api.SyllabusApi.as_view(), name="syllabus"),
    path("courses/", courses_api.CourseListApi.as_view(), name="course-list"),
    path("courses/<int:course_id>/", courses_api.CourseDetailApi.as_view(), name="course-detail"),
    path("courses/<int:course_id>/enroll/", courses_api.EnrollApi.as_view(), name="course-enroll"),
    path("enrollments/", courses_api.MyEnrollmentsApi.as_view(), name="my-enrollments"),
    path(
        "lessons/<int:lesson_id>/complete/",
        courses_api.CompleteLessonApi.as_view(),
        name="lesson-complete",
    ),
    path(
        "lessons/<int:lesson_id>/heartbeat/",
        courses_api.HeartbeatApi.as_view(),
        name="lesson-heartbeat",
    ),
    path("quizzes/", quizzes_api.QuizListApi.as_view(), name="quiz-list"),
    path("certificates/", certificates_api.MyCertificatesApi.as_view(), name="my-certificates"),
    path(
        "certificates/verify/",
        certificates_api.VerifyCredentialApi.as_view(),
        name="certificate-verify",
    ),
    path("institutions/", reporting_api.InstitutionListApi.as_view(), name="institution-list"),
    path(
        "institutions/<int:institution_id>/statistics/",
        reporting_api.InstitutionStatisticsApi.as_view(),
        name="institution-statistics",
    ),
    path("readiness/", quizzes_api.ReadinessApi.as_view(), name="readiness"),
    path("notebook/", quizzes_api.NotebookApi.as_view(), name="notebook"),
    path("notebook/review/", quizzes_api.NotebookReviewApi.as_view(), name="notebook-review"),
    path(
        "quizzes/<int:quiz_id>/attempts/",
        quizzes_api.StartAttemptApi.as_view(),
        name="attempt-start",
    ),
    path("attempts/<int:attempt_id>/", quizzes_api.AttemptApi.as_view(), name="attempt"),
    path(
        "attempts/<int:attempt_id>/responses/<int:position>/",
        quizzes_api.SaveAnswerApi.as_view(),
        name="answer-save",
    ),
    path(
        "attempts/<int:attempt_id>/submit/",
        quizzes_api.SubmitApi.as_view(),
        name="attempt-submit",
    ),
]
