"""Logs an operator can read: an expected failure (Conductor down, a timeout, a 4xx answer) is
one WARNING line naming the owner, Conductor's code and request id, with no traceback, on every
path that meets it. (The HTTP client's own retry lines are about its retries, and left out.)"""

import os
import socket
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from .helpers import BASE_URL, error_json

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def app_lines(caplog):
    """What the app (not its HTTP client's retry notices) logged at WARNING or above."""
    return [
        record
        for record in caplog.records
        if record.name.startswith("conductor_django")
        and record.name != "conductor_django.client"
        and record.levelname in ("WARNING", "ERROR", "CRITICAL")
    ]


def assert_one_readable_warning(caplog, *fragments):
    [record] = app_lines(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None and "Traceback" not in caplog.text
    message = record.getMessage()
    for fragment in fragments:
        assert fragment in message
    assert ".." not in message and message.endswith(".")
    return message


def test_settings_page_during_an_outage(client, user, rsps, caplog):
    body = error_json(503, "SERVICE_UNAVAILABLE", "INTERNAL_ERROR", request_id="req_down")
    rsps.get(f"{BASE_URL}/quickbooks-desktop/health-check", status=503, json=body)
    client.force_login(user)

    assert client.get(reverse("conductor_django:settings")).status_code == 200

    assert_one_readable_warning(
        caplog, f"accounts.User {user.pk}", "SERVICE_UNAVAILABLE", "req_down"
    )


def test_settings_page_whose_create_is_refused(client, unprovisioned_user, rsps, caplog):
    body = error_json(400, "INVALID_REQUEST", "INVALID_REQUEST_ERROR", request_id="req_bad")
    rsps.post(f"{BASE_URL}/end-users", status=400, json=body)
    client.force_login(unprovisioned_user)

    assert client.get(reverse("conductor_django:settings")).status_code == 200

    assert_one_readable_warning(
        caplog, f"accounts.User {unprovisioned_user.pk}", "INVALID_REQUEST", "req_bad"
    )


def test_sync_logs_one_line_per_owner_it_could_not_serve(
    unprovisioned_user, fake_conductor, caplog
):
    alice = unprovisioned_user
    fake_conductor.outage(401, method="POST", path="/end-users")

    with pytest.raises(CommandError):
        call_command("conductor_sync_end_users", "--concurrency", "1", stderr=StringIO())

    assert_one_readable_warning(caplog, f"accounts.User {alice.pk}", "API_KEY_INVALID", "req_")


def test_callback_and_disconnect_name_the_owner(client, user, fake_conductor, caplog):
    client.force_login(user)
    fake_conductor.outage("timeout")

    client.post(reverse("conductor_django:disconnect"))

    assert_one_readable_warning(caplog, f"accounts.User {user.pk}", "did not answer in time")


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=False)
def test_createsuperuser_while_conductor_is_unreachable_prints_no_traceback(tmp_path):
    """As an operator runs it: the example project, its database, Conductor not listening."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "EXAMPLE_DB_PATH": str(tmp_path / "db.sqlite3"),
        "CONDUCTOR_SANDBOX": "0",
        "CONDUCTOR_SECRET_KEY": "sk_conductor_test_secret_0123456789abcdef",
        "CONDUCTOR_PUBLISHABLE_KEY": "pk_conductor_test_publishable_0123456789",
        "CONDUCTOR_BASE_URL": f"http://127.0.0.1:{_closed_port()}/v1",
        "DJANGO_SUPERUSER_PASSWORD": "a-Strong-pass-123",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert manage("migrate", "--no-input", "-v", "0").returncode == 0
    result = manage("createsuperuser", "--no-input", "--username", "root", "--email", "r@x.test")

    assert result.returncode == 0, result.stderr
    assert "Superuser created successfully." in result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Could not")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Could not create the Conductor end-user of accounts.User 1: ")
