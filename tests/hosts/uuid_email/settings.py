"""A lean host of its own, unlike the example project in every way the app should not care
about: UUID-keyed users who log in by e-mail, the app mounted under another prefix, Django's
default log-in URL, no ``rest_framework`` in INSTALLED_APPS, no example apps."""

import os
from pathlib import Path

from example_project.settings import postgres_database

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "uuid-email-host-insecure-test-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "conductor_django",
    "conductor_django.codat",
    "conductor_django.sandbox",
    "tests.hosts.uuid_email.apps.UuidAccountsConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.hosts.uuid_email.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
if os.environ.get("CONDUCTOR_TEST_DB") == "postgres":
    DATABASES = {"default": postgres_database(os.environ.get("PGDATABASE", "test"))}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

AUTH_USER_MODEL = "uuid_accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/Paris"
LANGUAGE_CODE = "en"
STATIC_URL = "static/"

CONDUCTOR = {
    "SECRET_KEY": "sk_conductor_test_secret_0123456789abcdef",
    "PUBLISHABLE_KEY": "pk_conductor_test_publishable_0123456789",
    "API_BASE_URL": "https://api.conductor.test/v1",
    "RETRY_BACKOFF": 0.01,
}
CONDUCTOR_SANDBOX = {"ENABLED": True}
# Both providers on one owner model, Codat with its defaults (companies created at sign-up).
CODAT = {
    "API_KEY": "codat_test_key_0123456789abcdef",
    "API_BASE_URL": "https://api.codat.test",
    "RETRY_BACKOFF": 0.01,
    "WEBHOOK_SECRETS": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
}
CONDUCTOR_TEST_SHAPE = "tests.hosts.shapes.UuidEmailUsers"
LOGGING = {"version": 1, "disable_existing_loggers": False}
