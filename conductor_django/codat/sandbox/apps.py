from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodatSandboxConfig(AppConfig):
    name = "conductor_django.codat.sandbox"
    label = "codat_sandbox"
    verbose_name = _("Codat sandbox")
    default_auto_field = "django.db.models.BigAutoField"
