"""The webhook chaos run's settings (``python -m bench.webhook_chaos``): the example project
serving in the run's own process, with Codat's webhook secret and a database of its own. The
task backend is the immediate one (each event is applied by the request that stored it), or
with ``BENCH_QUEUE=db`` django-tasks-db, drained by the run's worker processes, which log the
signals they send to ``CONDUCTOR_WORKER_SIGNAL_LOG``."""

import os
from importlib.util import find_spec

from example_project.settings import *  # noqa: F403
from example_project.settings import INSTALLED_APPS, postgres_database

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
if os.environ.get("BENCH_DB") == "postgres":
    DATABASES = {"default": {**postgres_database(os.environ["BENCH_PG_NAME"]), "CONN_MAX_AGE": 0}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["BENCH_DB_PATH"],
            # Writers queue for the lock (select_for_update is a no-op on SQLite).
            "OPTIONS": {
                "timeout": 60,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
        }
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_TASKS_MODULE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
TASKS = {"default": {"BACKEND": f"{_TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
if os.environ.get("BENCH_QUEUE") == "db":
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if os.environ.get("CONDUCTOR_WORKER_SIGNAL_LOG"):
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.signal_log.SignalLogConfig"]
CODAT = {
    "API_KEY": "codat_chaos_key_not_used",
    "AUTO_PROVISION": False,
    "WEBHOOK_SECRETS": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
}
CONDUCTOR = {
    "SECRET_KEY": "sk_conductor_sandbox_demo_0000000000000000",
    "PUBLISHABLE_KEY": "pk_conductor_sandbox_demo_0000000000000000",
    "AUTO_PROVISION": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Each forged delivery logs a WARNING by design: only errors matter to the run.
    "root": {"handlers": ["console"], "level": "ERROR"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
