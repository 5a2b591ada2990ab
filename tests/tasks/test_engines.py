"""Provisioning on real task engines: the web side enqueues, a separate worker process (started
here with manage.py) runs the task against the sandbox, over HTTP, on the shared database.

- immediate (no TASKS setting): the task runs in the web process right after commit;
- django-tasks-db: ``manage.py db_worker`` polls the database queue;
- RQ through django-tasks-rq: ``manage.py rqworker --with-scheduler`` on Redis.
"""

import re
import socket
from datetime import datetime

import pytest
import requests
from django.contrib.auth import get_user_model

from conductor_django.provisioning import next_attempt_at
from conductor_django.sandbox import control

from .support import (
    WORKER_COMMANDS,
    end_users_for,
    needs_shared_database,
    running,
    sign_up,
    sync_end_users,
    use_engine,
    wait_for,
)

pytestmark = needs_shared_database
User = get_user_model()
QUEUES = ["db", "rq"]
# The grace period after an ambiguous create, in the processes started here (default 120 s).
GRACE = 2
SHORT_GRACE = {"CONDUCTOR_WORKER_GRACE_SECONDS": GRACE}


def _stored_id(user):
    return User.objects.filter(pk=user.pk).values_list("conductor_end_user_id", flat=True).get()


def _posts():
    return control.request_log(method="POST", path="/end-users")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sign_up_over_http(base_url, username):
    session = requests.Session()
    form = session.get(f"{base_url}/sign-up/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base_url}/sign-up/",
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "email": f"{username}@example.com",
            "company_name": "Bakery Ltd",
            "password1": "a-Strong-pass-123",
            "password2": "a-Strong-pass-123",
        },
        headers={"Referer": f"{base_url}/sign-up/"},
        allow_redirects=False,
        timeout=30,
    )
    return response


@pytest.fixture
def web_server(sandbox):
    """The example project served by runserver in its own process, with no task backend."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        "runserver",
        "--noreload",
        f"127.0.0.1:{port}",
        base_url=sandbox,
        CONDUCTOR_WORKER_GRACE_SECONDS=GRACE,
    ) as server:

        def answers():
            try:
                return requests.get(f"{base}/log-in/", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        wait_for(answers, what="runserver to answer", log=server.log)
        server.url = base
        yield server


def test_immediate_backend_creates_the_end_user_right_after_commit(web_server):
    response = _sign_up_over_http(web_server.url, "alice")

    assert response.status_code == 302
    user = User.objects.get(username="alice")
    # No worker anywhere: the web process ran the task once the sign-up was committed.
    [end_user] = end_users_for(user)
    assert _stored_id(user) == end_user["id"]
    assert len(_posts()) == 1


def test_immediate_backend_sign_up_survives_an_outage(web_server):
    control.fail_next(1, "http_503", method="POST", path="/end-users")

    response = _sign_up_over_http(web_server.url, "bob")

    assert response.status_code == 302
    user = User.objects.get(username="bob")
    assert _stored_id(user) is None
    assert end_users_for(user) == []
    assert "conductor_sync_end_users" in web_server.log()
    # The 503 may hide a create that happened: nothing is created again before the grace period.
    wait_for(lambda: next_attempt_at(user) is None, what="the grace period to pass")
    sync_end_users()
    [end_user] = end_users_for(user)
    assert _stored_id(user) == end_user["id"]


@pytest.mark.parametrize("engine", QUEUES)
def test_sign_up_returns_before_conductor_is_called_and_the_worker_creates_one_end_user(
    engine, sandbox, client, settings
):
    use_engine(settings, engine)

    user = sign_up(client, "carol")

    # The sign-up has returned and nothing has reached Conductor: the work is queued.
    assert _stored_id(user) is None
    assert _posts() == []
    with running(*WORKER_COMMANDS[engine], base_url=sandbox, engine=engine) as worker:
        end_user_id = wait_for(
            lambda: _stored_id(user), what="the worker to store the end-user", log=worker.log
        )
    [end_user] = end_users_for(user)
    assert end_user["id"] == end_user_id
    assert end_user["companyName"] == "Carol Ltd"
    assert len(_posts()) == 1


def _at(entry):
    return datetime.fromisoformat(entry["createdAt"].replace("Z", "+00:00"))


@pytest.mark.parametrize("engine", QUEUES)
def test_transient_failure_is_retried_later_with_backoff(engine, sandbox, client, settings):
    use_engine(settings, engine)
    control.fail_next(1, "http_503", method="POST", path="/end-users")

    with running(
        *WORKER_COMMANDS[engine], base_url=sandbox, engine=engine, **SHORT_GRACE
    ) as worker:
        user = sign_up(client, "dave")
        end_user_id = wait_for(
            lambda: _stored_id(user), what="the retried task to store the end-user", log=worker.log
        )
        assert "The task runs again at" in worker.log()

    failed, created = _posts()
    assert (failed["status"], created["status"]) == (503, 200)
    # Deferred through run_after past the grace period a 5xx puts on new creates, plus the
    # backoff (5 s base, ±20 % jitter), not retried in a tight loop. RQ's scheduler scores a
    # deferred job by whole seconds (calendar.timegm in its registry), so it may run up to a
    # second before run_after.
    floor = GRACE + 4 - (1 if engine == "rq" else 0)
    assert (_at(created) - _at(failed)).total_seconds() >= floor
    # A 5xx may hide a create that happened: the retry looked for it before creating.
    lookups = control.request_log(method="GET", path="/end-users")
    assert len(lookups) == 1 and _at(failed) < _at(lookups[0]) < _at(created)
    assert [u["id"] for u in end_users_for(user)] == [end_user_id]


@pytest.mark.parametrize("engine", QUEUES)
def test_lost_answer_to_a_create_is_adopted_not_repeated(engine, sandbox, client, settings):
    use_engine(settings, engine)
    # Conductor creates the end-user, then the connection drops before the worker sees the answer.
    control.fail_next(1, "drop_after", method="POST", path="/end-users")

    with running(
        *WORKER_COMMANDS[engine], base_url=sandbox, engine=engine, **SHORT_GRACE
    ) as worker:
        user = sign_up(client, "erin")
        end_user_id = wait_for(lambda: _stored_id(user), what="adoption", log=worker.log)
        # The worker logs after it saves the row: wait for the line rather than race it.
        wait_for(
            lambda: "Adopted existing Conductor end-user" in worker.log(),
            what="the adoption to be logged",
            log=worker.log,
        )

    assert len(_posts()) == 1
    assert [u["id"] for u in end_users_for(user)] == [end_user_id]


@pytest.mark.parametrize("engine", QUEUES)
def test_task_that_fails_for_good_leaves_no_end_user_until_the_sync_command(
    engine, sandbox, client, settings
):
    use_engine(settings, engine)
    control.fail_next(1, "http_503", method="POST", path="/end-users")

    with running(
        *WORKER_COMMANDS[engine],
        base_url=sandbox,
        engine=engine,
        CONDUCTOR_WORKER_MAX_ATTEMPTS=1,
        **SHORT_GRACE,
    ) as worker:
        user = sign_up(client, "frank")
        wait_for(
            lambda: "Could not create the Conductor end-user" in worker.log(),
            what="the task to give up",
            log=worker.log,
        )
        assert "Not retried: the task gives up after 1 attempts" in worker.log()
        assert "Traceback" not in worker.log()
    assert _stored_id(user) is None
    assert end_users_for(user) == []
    wait_for(lambda: next_attempt_at(user) is None, what="the grace period to pass")

    sync_end_users()
    sync_end_users()

    [end_user] = end_users_for(user)
    assert _stored_id(user) == end_user["id"]
    assert len(_posts()) == 2


@pytest.mark.parametrize("engine", QUEUES)
def test_create_conductor_completes_after_the_worker_gave_up_is_adopted_once(
    engine, sandbox, client, settings
):
    use_engine(settings, engine)
    # Conductor holds the create past the worker's 1 s read timeout and completes it at 3 s.
    control.fail_next(1, "complete_late", method="POST", path="/end-users", delay_ms=3000)

    with running(
        *WORKER_COMMANDS[engine],
        base_url=sandbox,
        engine=engine,
        CONDUCTOR_WORKER_READ_TIMEOUT=1,
        CONDUCTOR_WORKER_GRACE_SECONDS=4,
    ) as worker:
        user = sign_up(client, "gail")
        end_user_id = wait_for(
            lambda: _stored_id(user), timeout=40, what="adoption", log=worker.log
        )
        wait_for(
            lambda: "Adopted existing Conductor end-user" in worker.log(),
            what="the adoption to be logged",
            log=worker.log,
        )

    # One create, which Conductor finished after the worker had given up on it.
    [post] = _posts()
    assert post["fault"] == "complete_late"
    assert [u["id"] for u in end_users_for(user)] == [end_user_id]
