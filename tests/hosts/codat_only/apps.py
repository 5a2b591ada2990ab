from django.apps import AppConfig


class CodatOnlyConfig(AppConfig):
    name = "tests.hosts.codat_only"
    label = "codat_only"
    default_auto_field = "django.db.models.BigAutoField"
