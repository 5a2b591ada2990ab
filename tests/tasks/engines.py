"""The task engines the suite runs provisioning on, shared by the tests (which enqueue) and
``tests.settings_worker`` (the worker processes that run what was enqueued)."""

import os

REDIS_URL = os.environ.get("CONDUCTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

ENGINES = {
    # No TASKS setting: Django's default immediate backend runs the task right after commit.
    "immediate": {"apps": [], "tasks": None, "extra": {}},
    "db": {
        "apps": ["django_tasks_db"],
        "tasks": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "extra": {},
    },
    "rq": {
        "apps": ["django_rq"],
        "tasks": {"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
        "extra": {"RQ_QUEUES": {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}},
    },
}
