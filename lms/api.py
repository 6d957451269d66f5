"""The ``/api/v1/`` URL map. Each app's API views live in its own ``api.py``."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token

from courses import api as courses_api

app_name = "api"

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
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
]
