"""Settings for the processes the task and concurrency tests start (task workers, a web
server, one-off provisioning runs). They share the test run's database and reach the sandbox
served by the test's live server.

Environment: ``CONDUCTOR_WORKER_ENGINE`` (a key of ``tests.tasks.engines.ENGINES``),
``CONDUCTOR_WORKER_DB_NAME`` (the test database), ``CONDUCTOR_BASE_URL`` (the sandbox API),
and optionally ``CONDUCTOR_WORKER_MAX_ATTEMPTS``, ``CONDUCTOR_WORKER_LEASE_SECONDS``,
``CONDUCTOR_WORKER_GRACE_SECONDS``, ``CONDUCTOR_WORKER_READ_TIMEOUT``, ``CONDUCTOR_WORKER_CACHE``
(``redis`` or ``db``), ``CONDUCTOR_WORKER_SIGNAL_LOG`` (a file each status signal is written
to, ``bench.signal_log``). With ``CONDUCTOR_WORKER_CODAT_BASE_URL`` (the Codat sandbox's
API) and ``CONDUCTOR_WORKER_CODAT_KEY``, Codat is configured too, with the same attempts, lease,
grace period and read timeout, and companies created at sign-up.
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import CONDUCTOR, DATABASES, INSTALLED_APPS
from tests.tasks.engines import ENGINES, REDIS_URL

_engine = ENGINES[os.environ.get("CONDUCTOR_WORKER_ENGINE", "immediate")]

DATABASES = {"default": {**DATABASES["default"], "NAME": os.environ["CONDUCTOR_WORKER_DB_NAME"]}}
INSTALLED_APPS = [*INSTALLED_APPS, *_engine["apps"]]
if _engine["tasks"]:
    TASKS = _engine["tasks"]
if os.environ.get("CONDUCTOR_WORKER_SIGNAL_LOG"):
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.signal_log.SignalLogConfig"]
globals().update(_engine["extra"])

CONDUCTOR = {
    **CONDUCTOR,
    "API_BASE_URL": os.environ["CONDUCTOR_BASE_URL"],
    "TASK_MAX_ATTEMPTS": int(os.environ.get("CONDUCTOR_WORKER_MAX_ATTEMPTS", "5")),
    "PROVISIONING_LEASE_SECONDS": int(os.environ.get("CONDUCTOR_WORKER_LEASE_SECONDS", "120")),
    "CREATE_GRACE_SECONDS": float(os.environ.get("CONDUCTOR_WORKER_GRACE_SECONDS", "120")),
    "READ_TIMEOUT": float(os.environ.get("CONDUCTOR_WORKER_READ_TIMEOUT", "30")),
}

if os.environ.get("CONDUCTOR_WORKER_CODAT_BASE_URL"):
    CODAT = {
        "API_KEY": os.environ["CONDUCTOR_WORKER_CODAT_KEY"],
        "API_BASE_URL": os.environ["CONDUCTOR_WORKER_CODAT_BASE_URL"],
        "AUTO_PROVISION": True,
        "RETRY_BACKOFF": 0.01,
        **{
            name: CONDUCTOR[name]
            for name in (
                "TASK_MAX_ATTEMPTS",
                "PROVISIONING_LEASE_SECONDS",
                "CREATE_GRACE_SECONDS",
                "READ_TIMEOUT",
            )
        },
    }

_cache = os.environ.get("CONDUCTOR_WORKER_CACHE")
if _cache == "redis":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif _cache == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "conductor_test_cache",
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"conductor_django": {"handlers": ["console"], "level": "INFO"}},
}
