"""Codat companies on real task engines: the web side enqueues after the sign-up's commit, a
worker process (manage.py) creates the company against the Codat sandbox over HTTP, exactly
once, whatever Codat does: fail, drop the connection, or complete a create after we gave up."""

import pytest
from django.contrib.auth import get_user_model

from conductor_django.codat.provisioning import next_attempt_at
from conductor_django.codat.sandbox import control

from .codat_support import companies_for
from .support import WORKER_COMMANDS, needs_shared_database, running, sign_up, use_engine, wait_for

pytestmark = needs_shared_database
User = get_user_model()
QUEUES = ["db", "rq"]
GRACE = 2


def _stored(user):
    return User.objects.filter(pk=user.pk).values_list("codat_company_id", flat=True).get()


def _posts():
    return control.request_log(method="POST", path="/companies")


@pytest.mark.parametrize("engine", QUEUES)
def test_the_worker_creates_one_company_after_the_sign_up_returned(
    engine, sandbox, codat_sandbox, client, settings
):
    use_engine(settings, engine)

    user = sign_up(client, "carol")

    assert _stored(user) is None and _posts() == []
    with running(*WORKER_COMMANDS[engine], base_url=sandbox, engine=engine, **codat_sandbox) as w:
        company_id = wait_for(lambda: _stored(user), what="the company", log=w.log)
    [company] = companies_for(user)
    assert company["id"] == company_id
    assert company["name"] == "Carol Ltd"
    assert len(_posts()) == 1
    # Both providers on one owner: Conductor's end-user came from the same sign-up.
    user.refresh_from_db()
    assert user.conductor_end_user_id


@pytest.mark.parametrize("engine", QUEUES)
def test_a_create_codat_completes_after_the_worker_gave_up_is_adopted_once(
    engine, sandbox, codat_sandbox, client, settings
):
    use_engine(settings, engine)
    # Codat creates it, the connection drops, and the company shows only a second later.
    control.late_create(seconds=1)

    with running(
        *WORKER_COMMANDS[engine],
        base_url=sandbox,
        engine=engine,
        CONDUCTOR_WORKER_GRACE_SECONDS=GRACE,
        **codat_sandbox,
    ) as worker:
        user = sign_up(client, "gail")
        company_id = wait_for(lambda: _stored(user), timeout=40, what="adoption", log=worker.log)
        # The worker logs after it saves the row: wait for the line rather than race it.
        wait_for(
            lambda: "Adopted existing Codat company" in worker.log(),
            what="the adoption to be logged",
            log=worker.log,
        )
        assert "Traceback" not in worker.log()

    [post] = _posts()
    assert post["fault"] == "late_create"
    assert [c["id"] for c in companies_for(user)] == [company_id]


@pytest.mark.parametrize("engine", QUEUES)
def test_an_outage_is_retried_later_and_makes_one_company(
    engine, sandbox, codat_sandbox, client, settings
):
    use_engine(settings, engine)
    control.fail_next(1, "http_503", method="POST", path="/companies")

    with running(
        *WORKER_COMMANDS[engine],
        base_url=sandbox,
        engine=engine,
        CONDUCTOR_WORKER_GRACE_SECONDS=GRACE,
        **codat_sandbox,
    ) as worker:
        user = sign_up(client, "dave")
        company_id = wait_for(lambda: _stored(user), timeout=40, what="the retry", log=worker.log)
        assert "The task runs again at" in worker.log()

    failed, created = _posts()
    assert (failed["status"], created["status"]) == (503, 200)
    # A 5xx may hide a create that happened: the retry looked for it by tag first.
    lookups = control.request_log(method="GET", path="/companies")
    assert len(lookups) == 1
    assert [c["id"] for c in companies_for(user)] == [company_id]
    assert next_attempt_at(user) is None
