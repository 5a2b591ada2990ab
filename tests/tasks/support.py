"""What the multi-process tests share: the sandbox under the live server as the Conductor every
process talks to, the task engine configuration of the test process, and real worker processes
started with ``tests.settings_worker`` on the test database.

Imported by the conftest modules of tests/tasks, tests/concurrency and tests/outages.
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from conductor_django import clients
from conductor_django.sandbox import control

from .engines import ENGINES, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("CONDUCTOR_TEST_DB") == "postgres"

# Other processes can only see the test database when it is a real server's.
skip_unless_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="other processes cannot share the in-memory SQLite test database; "
    "run with CONDUCTOR_TEST_DB=postgres",
)
needs_shared_database = [pytest.mark.postgres, skip_unless_postgres]


def wait_for(predicate, timeout=30.0, interval=0.05, what="the condition", log=None):
    """Poll until ``predicate()`` is truthy and return its value; fail the test with ``what``
    (and the worker's output) if it does not happen within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n--- worker output ---\n{log()}" if log else ""
            pytest.fail(f"Timed out waiting for {what}.{detail}")
        time.sleep(interval)


def join_request_threads(before, timeout=10):
    """Wait for the live server's request threads started since ``before``: a request the client
    gave up on (a timeout, a delayed or late fault) may still be running in the server, and on
    SQLite it shares this thread's connection, which the teardown is about to use."""
    for thread in set(threading.enumerate()) - before:
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout)


@pytest.fixture
def sandbox(live_server, transactional_db, settings):
    """The sandbox, empty, as the Conductor of this process (and of the workers it starts)."""
    control.reset()
    settings.CONDUCTOR = {**settings.CONDUCTOR, "API_BASE_URL": f"{live_server.url}/sandbox/v1"}
    settings.CONDUCTOR_SANDBOX = {"ENABLED": True}
    before = set(threading.enumerate())
    yield f"{live_server.url}/sandbox/v1"
    # A kept-alive pooled connection holds a server thread until it is closed.
    clients.close_all()
    join_request_threads(before)
    control.clear_faults()


def use_engine(settings, name):
    """Make this process enqueue on engine ``name``, as a web process configured for it would."""
    engine = ENGINES[name]
    missing = [app for app in engine["apps"] if app not in settings.INSTALLED_APPS]
    if missing:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *missing]
    for setting, value in engine["extra"].items():
        setattr(settings, setting, value)
    if engine["tasks"]:
        settings.TASKS = engine["tasks"]
    if "django_tasks_db" in engine["apps"]:
        call_command("migrate", "django_tasks_database", verbosity=0)
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    if name == "rq":
        import redis

        # Our own Redis database: empty queues, and no scheduler lock left by an earlier run.
        redis.Redis.from_url(REDIS_URL).flushdb()


class Worker:
    """A process started from manage.py with the worker settings; output kept for failures."""

    def __init__(self, args, base_url, engine="immediate", **env):
        self.output = tempfile.NamedTemporaryFile(
            mode="w+", prefix="conductor-worker-", suffix=".log", delete=False
        )
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings_worker",
            "CONDUCTOR_WORKER_ENGINE": engine,
            "CONDUCTOR_WORKER_DB_NAME": connection.settings_dict["NAME"],
            "CONDUCTOR_BASE_URL": base_url,
            "PYTHONUNBUFFERED": "1",
            **{key: str(value) for key, value in env.items()},
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            # Its own process group, so stopping it also stops what it forked (RQ work-horses).
            start_new_session=True,
        )

    def log(self):
        return Path(self.output.name).read_text(errors="replace")

    def wait(self, timeout=60):
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"{self.process.args} did not finish.\n{self.log()}")

    def kill(self):
        self._signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.output.close()
        os.unlink(self.output.name)

    def _signal(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass


@contextmanager
def running(*args, base_url, engine="immediate", **env):
    worker = Worker(args, base_url, engine, **env)
    try:
        yield worker
    finally:
        worker.stop()


WORKER_COMMANDS = {
    "db": (
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        "--queue-name",
        "*",
    ),
    "rq": ("rqworker", "default", "--with-scheduler", "--job-class", "django_tasks_rq.Job"),
}


def sync_end_users():
    """What an operator runs after an outage: the sync command (or, where it is not installed
    yet, the bulk function it wraps)."""
    from django.core.management import get_commands

    if "conductor_sync_end_users" in get_commands():
        call_command("conductor_sync_end_users", verbosity=0)
        return
    from django.contrib.auth import get_user_model

    from conductor_django.bulk import sync_end_users as sync

    sync(get_user_model()._default_manager.all())


def end_users_for(owner):
    """The sandbox's end-users whose sourceId is this owner's."""
    return [u for u in control.end_users() if u["sourceId"] == str(owner.pk)]


def sign_up(client, username):
    """Sign up through the example project's form; returns the new user."""
    from django.contrib.auth import get_user_model

    response = client.post(
        "/sign-up/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "company_name": f"{username.title()} Ltd",
            "password1": "a-Strong-pass-123",
            "password2": "a-Strong-pass-123",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return get_user_model().objects.get(username=username)


@pytest.fixture
def owner(sandbox, django_user_model, django_capture_on_commit_callbacks):
    """A signed-up user whose end-user the app created in the sandbox."""
    with django_capture_on_commit_callbacks(execute=True):
        user = django_user_model.objects.create_user(
            "owner", "owner@example.com", "pw", company_name="Owner Ltd"
        )
    user.refresh_from_db()
    assert user.conductor_end_user_id
    return user


def known_secrets():
    """Every secret this test run could leak: our secret key, and each auth session's client
    secret and authFlowUrl the sandbox issued."""
    from django.conf import settings

    found = [settings.CONDUCTOR["SECRET_KEY"]]
    for session in control.auth_sessions():
        found.append(session["clientSecret"])
    return found


@pytest.fixture
def secrets_absent(caplog):
    """``secrets_absent(text)`` fails if a secret is in ``text``; the log is checked at the end."""
    import logging

    caplog.set_level(logging.DEBUG)

    def check(text):
        for secret in known_secrets():
            assert secret not in text

    yield check
    check(caplog.text)
    for record in caplog.records:
        check(repr(record.args) + str(record.exc_info and record.exc_info[1]))
