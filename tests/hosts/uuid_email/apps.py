from django.apps import AppConfig


class UuidAccountsConfig(AppConfig):
    name = "tests.hosts.uuid_email"
    label = "uuid_accounts"
    default_auto_field = "django.db.models.BigAutoField"
