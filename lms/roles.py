"""The five roles, kept as Django groups so that Wagtail's permission screens show them.

``roles_sync`` creates the groups and gives each its permissions; it runs after every
``migrate`` and can run again at any time without changing anything.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    TRAINER = "trainer", _("Trainer")
    INSTITUTION_ADMIN = "institution_admin", _("Institution admin")
    CITY_ADMIN = "city_admin", _("City admin")
    SUPERVISOR = "supervisor", _("Supervisor")


SYLLABUS_MODELS = ("examlevel", "subject", "chapter", "knowledgepoint", "blueprint")
MEDIA_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)
PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "bulk_delete_page",
    "lock_page",
    "unlock_page",
)

MODEL_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.CANDIDATE: (),
    Role.SUPERVISOR: ("reporting.view_assignment",),
    Role.INSTITUTION_ADMIN: (
        "quizzes.add_accommodation",
        "quizzes.change_accommodation",
        "certificates.view_certificate",
        "reporting.view_report",
        "reporting.view_assignment",
    ),
    Role.TRAINER: (
        "wagtailadmin.access_admin",
        *(f"courses.view_{model}" for model in SYLLABUS_MODELS),
        "quizzes.add_question",
        "quizzes.change_question",
        "quizzes.view_question",
        "quizzes.view_questionbank",
        "quizzes.add_quiz",
        "quizzes.change_quiz",
        "quizzes.view_quiz",
        "quizzes.change_response",
        "quizzes.view_regrade",
        "quizzes.add_accommodation",
        "quizzes.change_accommodation",
        "certificates.add_certificatetemplate",
        "certificates.change_certificatetemplate",
        "certificates.view_certificatetemplate",
        "certificates.view_certificateprogramme",
    ),
    Role.CITY_ADMIN: (
        "wagtailadmin.access_admin",
        *(
            f"courses.{action}_{model}"
            for model in SYLLABUS_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        "certificates.view_certificate",
        "quizzes.moderate_mark",
        "quizzes.view_regrade",
        "reporting.view_report",
        "reporting.view_assignment",
        "quizzes.view_quiz",  # the quizzes' item statistics reports
        *(f"reporting.{action}_annualtarget" for action in ("add", "change", "delete", "view")),
        *(
            f"certificates.{action}_{model}"
            for model in ("certificatetemplate", "certificateprogramme")
            for action in ("add", "change", "delete", "view")
        ),
        "lms.add_user",
        "lms.change_user",
        "lms.view_user",
        "lms.view_auditevent",  # the personal-data audit log (/institutions/audit/)
        "wagtailcore.add_site",
        "wagtailcore.change_site",
    ),
}
COLLECTION_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.TRAINER: MEDIA_PERMISSIONS,
    Role.CITY_ADMIN: (
        *MEDIA_PERMISSIONS,
        "wagtailimages.delete_image",
        "wagtaildocs.delete_document",
    ),
}


def _permission(dotted: str):
    from django.contrib.auth.models import Permission

    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_sync() -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_collection = Collection.get_first_root_node()
    root_page = Page.get_first_root_node()
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.add(*(_permission(p) for p in MODEL_PERMISSIONS[role]))
        if root_collection is not None:
            for dotted in COLLECTION_PERMISSIONS.get(role, ()):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(dotted)
                )
        if role is Role.CITY_ADMIN and root_page is not None:
            for codename in PAGE_PERMISSIONS:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=_permission(f"wagtailcore.{codename}"),
                )


def _sync_after_migrate(sender, app_config=None, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    if app_config is None or app_config.name != "lms":
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    roles_sync()
