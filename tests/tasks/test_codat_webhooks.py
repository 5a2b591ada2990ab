"""Codat's webhooks end to end: the Codat sandbox delivers signed events over HTTP to the
endpoint under the live server, which stores and queues them; a real worker process applies
them. A revoke on the platform's side reaches the record and the host's receiver (in the
worker) within one delivery."""

import time

import pytest
from django.contrib.auth import get_user_model

from bench import signal_log
from conductor_django.codat.models import CodatConnection, CodatWebhookEvent
from conductor_django.codat.sandbox import control
from conductor_django.codat.webhooks import tasks as webhook_tasks

from .support import WORKER_COMMANDS, needs_shared_database, running, use_engine, wait_for

pytestmark = needs_shared_database
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
User = get_user_model()


def _status(connection_id):
    row = CodatConnection.objects.filter(connection_id=connection_id).first()
    return row and row.status


@pytest.fixture
def webhooks(codat_sandbox, live_server, settings):
    """The sandbox signs for, and delivers to, this host's endpoint (retries compressed)."""
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": [SECRET]}
    settings.CODAT_SANDBOX = {
        **settings.CODAT_SANDBOX,
        "WEBHOOK_URL": f"{live_server.url}/codat/webhooks/",
        "WEBHOOK_SECRETS": [SECRET],
        "WEBHOOK_RETRY_SCHEDULE": [0.2, 0.5, 1],
    }
    return codat_sandbox


def test_a_revoke_reaches_the_record_and_a_signal_within_one_delivery(
    sandbox, webhooks, settings, tmp_path
):
    use_engine(settings, "db")
    user = User.objects.create_user("carol", "carol@example.com", "pw", company_name="Carol Ltd")
    company = control.create_company("Carol Ltd")
    User.objects.filter(pk=user.pk).update(codat_company_id=company["id"])
    connection_id = control.create_connection(company["id"], "gbol")["id"]
    control.complete_link(connection_id)
    log = tmp_path / "signals.jsonl"

    with running(
        *WORKER_COMMANDS["db"],
        base_url=sandbox,
        engine="db",
        CONDUCTOR_WORKER_SIGNAL_LOG=str(log),
        **webhooks,
    ) as worker:
        sent = control.deliver_pending()
        assert {d["status"] for d in sent} == {"delivered"}
        wait_for(lambda: _status(connection_id) == "Linked", what="the link", log=worker.log)

        control.revoke(connection_id)
        [delivery] = control.deliver_pending()

        assert (delivery["eventType"], delivery["status"]) == (
            "connection.disconnected",
            "delivered",
        )
        assert delivery["attempts"] == 1
        wait_for(
            lambda: _status(connection_id) == "Deauthorized", what="the revoke", log=worker.log
        )
        heard = wait_for(
            lambda: [s for s in signal_log.read(log) if s["new_status"] == "Deauthorized"],
            what="the signal in the worker",
            log=worker.log,
        )
        assert "Traceback" not in worker.log()

    [signal] = heard
    assert (signal["provider"], signal["connection_id"], signal["old_status"]) == (
        "codat",
        connection_id,
        "Linked",
    )
    assert "revoked" in signal["user_facing_message"]
    assert [s["new_status"] for s in signal_log.read(log)] == [
        "PendingAuth",
        "Linked",
        "Deauthorized",
    ]
    assert not CodatWebhookEvent.objects.filter(status="failed").exists()


def test_an_event_stored_just_after_the_queue_was_drained_is_applied(sandbox, webhooks, settings):
    use_engine(settings, "db")
    from django_tasks_db.models import DBTaskResult

    user = User.objects.create_user("erin", "erin@example.com", "pw", company_name="Erin Ltd")
    company = control.create_company("Erin Ltd")
    User.objects.filter(pk=user.pk).update(codat_company_id=company["id"])
    drains = DBTaskResult.objects.filter(task_path__endswith=".process_received_events")

    def wakes():
        return sum(1 for row in drains.all() if len(row.args_kwargs["args"]) == 1)

    def connect_and_deliver():
        connection_id = control.create_connection(company["id"], "gbol")["id"]
        control.deliver_pending()
        return connection_id

    with running(*WORKER_COMMANDS["db"], base_url=sandbox, engine="db", **webhooks) as worker:
        warm_up = connect_and_deliver()
        wait_for(lambda: _status(warm_up), what="the worker", log=worker.log)
        time.sleep(webhook_tasks.WAKE_INTERVAL + webhook_tasks.CLOCK_SLACK + 0.5)
        woken = wakes()

        first = connect_and_deliver()
        wait_for(lambda: _status(first), what="the first event", log=worker.log)
        # Within a second of the wake that applied the first event, so this delivery does not
        # wake the queue again: the drain's last look, queued for after that second, finds it.
        second = connect_and_deliver()
        assert wakes() == woken + 1
        wait_for(lambda: _status(second), what="the second event", log=worker.log)
        assert "Traceback" not in worker.log()


def test_a_receiver_that_is_down_gets_the_event_on_codats_retry(sandbox, webhooks, settings):
    user = User.objects.create_user("dora", "dora@example.com", "pw", company_name="Dora Ltd")
    company = control.create_company("Dora Ltd")
    User.objects.filter(pk=user.pk).update(codat_company_id=company["id"])
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": []}
    connection_id = control.create_connection(company["id"], "gbol")["id"]

    first = control.deliver_pending()

    assert {d["lastStatusCode"] for d in first} == {503}
    assert {d["status"] for d in first} == {"pending"}
    assert CodatWebhookEvent.objects.count() == 0
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": [SECRET]}
    # The immediate backend: the endpoint applies the event before it answers.
    retried = control.deliver_pending()
    assert {d["status"] for d in retried} == {"delivered"}
    assert _status(connection_id) == "PendingAuth"
