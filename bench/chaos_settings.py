"""The chaos run's server and workers: the benchmark deployment (``bench.settings``: gunicorn,
PostgreSQL, the sandbox on a database of its own, django-tasks-db as the queue) with timeouts a
run can wait out.

Everything is shortened in proportion, as a real deployment's would be: the client gives up on a
call after 2 s, the sandbox's late creates land 5 s after the request (3 s after the client gave
up), and the create grace period is 15 s. W006 would ask for more than that, as it must assume
nothing about how long the real Conductor takes; here the sandbox's delay is known.
"""

from bench.settings import *  # noqa: F403
from bench.settings import CONDUCTOR

CONDUCTOR = {
    **CONDUCTOR,
    "CONNECT_TIMEOUT": 2.0,
    "READ_TIMEOUT": 2.0,
    "HEALTH_CHECK_TIMEOUT": 2.0,
    "MAX_RETRIES": 2,
    "RETRY_BACKOFF": 0.2,
    "MAX_RETRY_WAIT": 2.0,
    "CREATE_GRACE_SECONDS": 15,
    "PROVISIONING_LEASE_SECONDS": 30,
    "TASK_MAX_ATTEMPTS": 8,
    "TASK_BACKEND": "default",
    "STATUS_CACHE_TTL": 60,
}
SILENCED_SYSTEM_CHECKS = ["conductor_django.W005", "conductor_django.W006"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Warnings and up: the run counts tracebacks in these logs (there must be none).
    "root": {"handlers": ["console"], "level": "WARNING"},
}
