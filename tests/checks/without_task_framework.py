"""Run as a script: a host whose environment has no task framework at all (neither Django 6's
``django.tasks`` nor the ``django-tasks`` backport), as after a broken or pruned install.

Prints one JSON line for the test to assert on: what ``manage.py check`` said, whether
creating a user raised, and what the settings page answered.
"""

import importlib.abc
import json
import os
import sys

BLOCKED = ("django.tasks", "django_tasks")


class NoTaskFramework(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == blocked or name.startswith(f"{blocked}.") for blocked in BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoTaskFramework())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import checks  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from conductor_django.testing import FakeConductor  # noqa: E402

setup_test_environment()  # allows the test client's host, as under pytest
call_command("migrate", verbosity=0)
found = [
    {"id": message.id, "msg": message.msg, "hint": message.hint}
    for message in checks.run_checks(tags=["conductor"])
    if not message.is_silenced()
]
with FakeConductor() as conductor:
    try:
        with transaction.atomic():  # on_commit runs the enqueue, as after a real sign-up
            user = get_user_model().objects.create_user("newcomer", "new@example.com", "pw")
        sign_up_error = None
    except Exception as exc:  # the failure this script exists to catch
        sign_up_error = repr(exc)
    client = Client()
    client.force_login(user)
    response = client.get("/quickbooks/")
    end_users = len(conductor.end_users)
print(
    json.dumps(
        {
            "checks": found,
            "sign_up_error": sign_up_error,
            "settings_status": response.status_code,
            "settings_location": response.headers.get("Location", ""),
            "end_users": end_users,
        }
    )
)
