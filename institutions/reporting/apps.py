from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "institutions.reporting"
    label = "reporting"
    verbose_name = _("Institution reporting")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the signal receivers
