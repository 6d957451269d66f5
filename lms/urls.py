from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates import hours_views, manage_views
from certificates import views as certificate_views
from courses import views as course_views
from institutions import views as institution_views
from institutions.reporting.views import audit as reporting_audit
from institutions.reporting.views import dashboard as reporting_dashboard
from institutions.reporting.views import my_data as reporting_my_data
from institutions.reporting.views import person as reporting_person
from institutions.reporting.views import reports as reporting_reports
from institutions.reporting.views import requirements as reporting_requirements
from institutions.reporting.views import training as reporting_training
from lms import api_urlconf, ratelimits, views
from lms import two_factor_views as two_factor
from lms.forms import QueuedPasswordResetForm, UnlockingSetPasswordForm
from lms.health import healthz
from quizzes import offline_views
from quizzes import views as quiz_views

urlpatterns = [
    # The public API; its schema covers it and nothing of the Wagtail admin's own API.
    *api_urlconf.urlpatterns,
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="lms/api_docs.html"),
        name="api-docs",
    ),
    path("accounts/register/", ratelimits.register_limited(views.register), name="register"),
    path("accounts/profile/", course_views.profile, name="profile"),
    path("accounts/my-data.<str:fmt>", reporting_my_data.my_data, name="my-data"),
    path("accounts/delete/", reporting_my_data.account_delete, name="account-delete"),
    path(
        "accounts/login/",
        ratelimits.login_limited(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        ratelimits.password_reset_limited(
            auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=UnlockingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/two-factor/", two_factor.overview, name="two-factor"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("language/", views.set_language, name="set-language"),
    path("notices/", views.notices, name="notices"),
    path("learning/training/", reporting_training.my_training, name="my-training"),
    path("institutions/", reporting_dashboard.dashboard, name="institution-dashboard"),
    path("institutions/people/", reporting_dashboard.people, name="institution-people"),
    path("institutions/team/", reporting_dashboard.team, name="supervisor-team"),
    path(
        "institutions/people/<int:user_id>/", reporting_person.person_record, name="person-record"
    ),
    path("institutions/audit/", reporting_audit.audit_log, name="audit-log"),
    path(
        "institutions/requirements/",
        reporting_requirements.requirement_list,
        name="requirement-list",
    ),
    path(
        "institutions/requirements/new/",
        reporting_requirements.requirement_edit,
        name="requirement-add",
    ),
    path(
        "institutions/requirements/<int:requirement_id>/",
        reporting_requirements.requirement_edit,
        name="requirement-edit",
    ),
    path(
        "institutions/qualifications/",
        reporting_training.qualification_reviews,
        name="qualification-reviews",
    ),
    path(
        "institutions/qualifications/<int:qualification_id>/review/",
        reporting_training.qualification_decide,
        name="qualification-decide",
    ),
    path(
        "institutions/qualifications/<int:qualification_id>/evidence/",
        reporting_training.qualification_evidence,
        name="qualification-evidence",
    ),
    path("institutions/reports/", reporting_reports.reports, name="institution-reports"),
    path(
        "institutions/reports/<int:report_id>/",
        reporting_reports.report_detail,
        name="institution-report",
    ),
    path(
        "institutions/reports/<int:report_id>/status/",
        reporting_reports.report_status,
        name="institution-report-status",
    ),
    path(
        "institutions/reports/<int:report_id>/download/",
        reporting_reports.report_download,
        name="institution-report-download",
    ),
    path("learning/", course_views.my_learning, name="my-learning"),
    path("quizzes/", quiz_views.quiz_list, name="quiz-list"),
    path("quizzes/<int:quiz_id>/start/", quiz_views.quiz_start, name="quiz-start"),
    path("quizzes/readiness/", quiz_views.readiness, name="readiness"),
    path("quizzes/grading/", quiz_views.grading_list, name="grading"),
    path("quizzes/grading/<int:response_id>/", quiz_views.grade_response, name="grade-response"),
    path("quizzes/notebook/", quiz_views.notebook, name="notebook"),
    path("quizzes/notebook/review/", quiz_views.notebook_review, name="notebook-review"),
    path(
        "quizzes/practise/<int:knowledge_point_id>/",
        quiz_views.practise_knowledge_point,
        name="practise-point",
    ),
    path("attempts/<int:attempt_id>/", quiz_views.attempt_page, name="attempt"),
    # The attempt pages' service worker: its address sets its scope, /attempts/.
    path("attempts/sw.js", offline_views.service_worker, name="attempt-service-worker"),
    # Roster import by institution and city admins.
    path("institutions/roster/", institution_views.roster_import, name="roster-import"),
    path(
        "institutions/roster/template.xlsx",
        institution_views.roster_template_download,
        name="roster-template",
    ),
    path(
        "institutions/roster/<int:import_id>/",
        institution_views.roster_import_detail,
        name="roster-import-detail",
    ),
    path(
        "institutions/roster/<int:import_id>/progress.json",
        institution_views.roster_import_progress,
        name="roster-import-progress",
    ),
    path("certificates/", certificate_views.mine, name="my-certificates"),
    path("certificates/transcript/", certificate_views.transcript, name="transcript"),
    path(
        "certificates/people/<int:user_id>/transcript/",
        certificate_views.transcript_of,
        name="transcript-of",
    ),
    path("certificates/manage/", manage_views.desk, name="certificate-desk"),
    path(
        "certificates/templates/<int:template_id>/preview/",
        certificate_views.template_preview,
        name="certificate-template-preview",
    ),
    path(
        "certificates/exports/<int:export_id>/",
        manage_views.export_download,
        name="certificate-export",
    ),
    path("certificates/hours/", hours_views.ledger, name="hours"),
    path("certificates/hours/review/", hours_views.review, name="hours-review"),
    path(
        "certificates/hours/<int:entry_id>/evidence/",
        hours_views.evidence,
        name="hours-evidence",
    ),
    path("certificates/verify/<str:code>/", certificate_views.verify, name="certificate-verify"),
    path("certificates/<str:code>/pdf/", certificate_views.pdf, name="certificate-pdf"),
    path(
        "certificates/<str:code>/credential.json",
        certificate_views.credential,
        name="certificate-credential",
    ),
    path(
        "certificates/status/<int:key_id>/<int:block>/",
        certificate_views.status,
        name="certificate-status-list",
    ),
    path("learning/courses/<int:course_id>/enroll/", course_views.enroll, name="course-enroll"),
    path("learning/courses/<int:course_id>/restart/", course_views.restart, name="course-restart"),
    path(
        "learning/lessons/<int:lesson_id>/complete/",
        course_views.complete_lesson,
        name="lesson-complete",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
