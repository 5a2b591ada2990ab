from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ConductorDjangoConfig(AppConfig):
    name = "conductor_django"
    verbose_name = _("QuickBooks Desktop (Conductor)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # checks, owner_checks and deploy_checks register the system checks.
        from . import checks, deploy_checks, owner_checks, receivers  # noqa: F401

        receivers.connect(apps.get_models())
