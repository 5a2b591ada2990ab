from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "example_project.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Organizations"
