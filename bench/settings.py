"""The benchmark server's settings: the example project as a production-like deployment, with
the sandboxes standing in for Conductor and Codat on a database of their own (see ``routers``).

``bench.run`` sets the environment read here (database, port) before Django starts, both for
itself and for the gunicorn process it launches, so both share one database: the bench drives
the sandbox through ``conductor_django.sandbox.control`` on that database.
"""

import os
from importlib.util import find_spec

from example_project.settings import *  # noqa: F403
from example_project.settings import BASE_DIR, INSTALLED_APPS, TEMPLATES, postgres_database

DEBUG = False
SANDBOX = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR.parent / "bench" / "templates"]}
]

if os.environ.get("BENCH_DB") == "postgres":
    DATABASES = {
        "default": {
            **postgres_database(os.environ["BENCH_PG_NAME"]),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
    DATABASES["sandbox"] = {
        **DATABASES["default"],
        "NAME": os.environ["BENCH_PG_NAME"] + "_sandbox",
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["BENCH_DB_PATH"],
            # WAL lets the server's readers run beside the bench's writers, as a production
            # SQLite deployment would be set up.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
            "CONN_MAX_AGE": 60,
        }
    }
    DATABASES["sandbox"] = {
        **DATABASES["default"],
        "NAME": os.environ["BENCH_DB_PATH"].replace(".sqlite3", "-sandbox.sqlite3"),
    }
DATABASE_ROUTERS = ["bench.routers.SandboxRouter"]

# Sign-up would otherwise spend ~0.3 s in PBKDF2 and hide the app's own cost in the noise.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# LocMemCache for a process on its own. `python -m bench` sets BENCH_CACHE_URL: its server, the
# benchmark process that records the statuses the pages show, and the health-check rig's
# processes (``bench.rig``) share Redis, as a production deployment with workers must.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("BENCH_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_CACHE_URL"],
        }
    }

# django.tasks on Django 6, the django-tasks backport before it.
_TASKS_MODULE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
TASKS = {
    # A real queue: sign-up only inserts a row; a worker would create the end-user later.
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": f"{_TASKS_MODULE}.backends.immediate.ImmediateBackend"},
}

_SECRET = "sk_conductor_bench_secret_0000000000000000"
_PUBLISHABLE = "pk_conductor_bench_publishable_000000000000"
CONDUCTOR = {
    "SECRET_KEY": _SECRET,
    "PUBLISHABLE_KEY": _PUBLISHABLE,
    "API_BASE_URL": f"http://127.0.0.1:{os.environ.get('BENCH_PORT', '8000')}/sandbox/v1",
    "MAX_RETRIES": 0,
    # "A cached status" for the whole settings-page run, which is longer than the default 60 s.
    "STATUS_CACHE_TTL": 3600,
}
# The rig's processes reach the sandbox on a server of its own, and wait for slow QuickBooks
# longer than the default 15 s (Conductor allows 60 s).
if os.environ.get("BENCH_API_BASE_URL"):
    CONDUCTOR["API_BASE_URL"] = os.environ["BENCH_API_BASE_URL"]
if os.environ.get("BENCH_HEALTH_CHECK_TIMEOUT"):
    CONDUCTOR["HEALTH_CHECK_TIMEOUT"] = float(os.environ["BENCH_HEALTH_CHECK_TIMEOUT"])
CONDUCTOR_SANDBOX = {"ENABLED": True}
# Codat through its sandbox on the same server. No company at sign-up: the sign-up benchmark
# measures Conductor's path as before; the Codat benchmarks set their companies up themselves.
_CODAT_SANDBOX_URL = f"http://127.0.0.1:{os.environ.get('BENCH_PORT', '8000')}/codat-sandbox"
CODAT = {
    "API_KEY": "codat_bench_key_0000000000000000",
    "API_BASE_URL": _CODAT_SANDBOX_URL,
    "MAX_RETRIES": 0,
    "AUTO_PROVISION": False,
    # "A cached status" for the whole page run.
    "STATUS_CACHE_TTL": 3600,
    # The webhook intake benchmark signs its deliveries with this secret.
    "WEBHOOK_SECRETS": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
}
# No webhook URL: events are recorded, never sent. BASE_URL: the link URLs of connections the
# benchmarks create through ``control``, outside a request.
CODAT_SANDBOX = {"ENABLED": True, "BASE_URL": _CODAT_SANDBOX_URL, "WEBHOOK_DELIVERY": "manual"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Per-row INFO lines (10,000 end-users created) would measure the terminal, not the code.
    "root": {"handlers": ["console"], "level": "WARNING"},
}
