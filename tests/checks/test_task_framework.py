"""With no task framework importable, the app still imports, ``check`` names the fix (E014),
sign-up succeeds and the settings page provisions the user and starts the flow (issue 10.5).

The missing framework is simulated in a subprocess (an import hook refusing ``django.tasks``
and ``django_tasks``), since a module once imported cannot be un-imported in this one.
"""

import json
import subprocess
import sys
from pathlib import Path

from django.core import checks

ROOT = Path(__file__).resolve().parents[2]


def run_without_task_framework():
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("without_task_framework.py"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1]), completed.stderr


def test_no_task_framework_is_an_error_that_names_the_fix_and_sign_up_survives():
    result, stderr = run_without_task_framework()

    assert [check["id"] for check in result["checks"]] == ["conductor_django.E014"]
    [e014] = result["checks"]
    assert "django_tasks" in e014["msg"]
    assert "pip install django-tasks" in e014["hint"]
    assert "Django 6.0" in e014["hint"]

    assert result["sign_up_error"] is None
    # The refused enqueue is logged with the fix, not raised into the sign-up.
    assert "pip install django-tasks" in stderr

    # The settings page creates the missing end-user and sends the user into the hosted flow.
    assert result["settings_status"] == 302
    assert result["settings_location"].startswith("https://")
    assert result["end_users"] == 1


def test_no_e014_where_a_task_framework_imports():
    ids = [message.id for message in checks.run_checks(tags=["conductor"])]
    assert "conductor_django.E014" not in ids
