"""Settings for the example product: a small multi-user app that connects users to QuickBooks.

Everything that differs between machines comes from the environment. With
CONDUCTOR_SANDBOX=1 (what `make demo` sets) the offline Conductor sandbox is mounted at
/sandbox/ and the Codat sandbox at /codat-sandbox/, and the clients talk to them instead of
api.conductor.is and api.codat.io.
"""

import os
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-project-insecure-key-for-local-use-only")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

SANDBOX = os.environ.get("CONDUCTOR_SANDBOX", "0") == "1"

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
    "conductor_django.codat.sandbox",
    "example_project.accounts.apps.AccountsConfig",
    "example_project.organizations.apps.OrganizationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

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


def postgres_database(name):
    """A PostgreSQL database on the libpq environment's server (local, trust auth, by default):
    what the tests and benchmarks use for their PostgreSQL runs."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        "USER": os.environ.get("PGUSER", "postgres"),
        "NAME": name,
    }


DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("EXAMPLE_DB_PATH", str(BASE_DIR.parent / "example.sqlite3")),
        # The sandbox answers the app's own API calls from another thread of the same server.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
STATIC_URL = "static/"
# Emailed connection links print to the console. Django 6.1 moved email settings to MAILERS.
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": CONSOLE_EMAIL}}
else:
    EMAIL_BACKEND = CONSOLE_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"conductor_django": {"handlers": ["console"], "level": "INFO"}},
}

# The demo keys below are the sandbox's: they open nothing on the real Conductor.
CONDUCTOR = {
    "SECRET_KEY": os.environ.get(
        "CONDUCTOR_SECRET_KEY", "sk_conductor_sandbox_demo_0000000000000000" if SANDBOX else None
    ),
    "PUBLISHABLE_KEY": os.environ.get(
        "CONDUCTOR_PUBLISHABLE_KEY",
        "pk_conductor_sandbox_demo_0000000000000000" if SANDBOX else None,
    ),
}
if SANDBOX:
    CONDUCTOR["API_BASE_URL"] = os.environ.get(
        "CONDUCTOR_BASE_URL", "http://127.0.0.1:8000/sandbox/v1"
    )
    # Scenario switches on the sandbox dashboard show on the next page load.
    CONDUCTOR["STATUS_CACHE_TTL"] = 0

# Codat, for the other accounting platforms (Xero, QuickBooks Online, Sage…). The demo key is
# the Codat sandbox's: it opens nothing at Codat. Without the sandbox, CODAT_API_KEY (and
# CODAT_BASE_URL) come from the environment.
CODAT = {}
if SANDBOX:
    CODAT_BASE_URL = os.environ.get("CODAT_BASE_URL", "http://127.0.0.1:8000/codat-sandbox")
    CODAT = {
        "API_KEY": os.environ.get("CODAT_API_KEY", "codat_sandbox_demo_0000000000000000"),
        "API_BASE_URL": CODAT_BASE_URL,
        # Switches on the Codat sandbox's dashboard show on the next page load.
        "STATUS_CACHE_TTL": 0,
    }
    # What Codat's Portal holds as the redirect template: back to the Codat pages' callback
    # (example_project/urls.py mounts them at /codat/).
    site = CODAT_BASE_URL.rsplit("/codat-sandbox", 1)[0]
    CODAT_SANDBOX = {
        "REDIRECT_URL": f"{site}/codat/return/?statusCode={{statusCode}}"
        "&connectionId={connectionId}&state={state}",
    }

# Both the user and the organization carry the mixins, so that EXAMPLE_OWNER switches which one
# owns the connection; rows of the other get no end-user (or company), which is what W005 (and
# Codat's W004) warn about.
SILENCED_SYSTEM_CHECKS = ["conductor_django.W005", "conductor_codat.W004"]

# EXAMPLE_OWNER=organization: organizations (not each user) own the QuickBooks connection;
# members share it and only organization admins may connect or disconnect.
if os.environ.get("EXAMPLE_OWNER", "user") == "organization":
    CONDUCTOR.update(
        {
            "OWNER_MODEL": "organizations.Organization",
            "OWNER_RESOLVER": "example_project.organizations.owners.organization_of",
            "CAN_MANAGE_CONNECTION": "example_project.organizations.owners.is_organization_admin",
        }
    )
