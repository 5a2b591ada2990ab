from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "conductor_django.sandbox"
    label = "conductor_sandbox"
    verbose_name = _("Conductor sandbox")
    default_auto_field = "django.db.models.BigAutoField"
