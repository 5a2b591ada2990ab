from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CodatConfig(AppConfig):
    """Codat as a provider: ``"conductor_django.codat"`` in INSTALLED_APPS, next to
    ``"conductor_django"`` (the core app, which it needs)."""

    name = "conductor_django.codat"
    label = "conductor_codat"
    verbose_name = _("Accounting platforms (Codat)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # checks and deploy_checks register the system checks.
        from . import checks, deploy_checks, receivers  # noqa: F401

        receivers.connect(apps.get_models())
