from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Qihang platform")

    def ready(self):
        from lms import (
            storage,  # noqa: F401  (registers the private media check)
            two_factor,  # noqa: F401  (connects its sign-in signal)
        )
        from lms.roles import _sync_after_migrate

        post_migrate.connect(_sync_after_migrate, dispatch_uid="qihang-roles-sync")
