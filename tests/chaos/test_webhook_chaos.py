"""The webhook chaos run in small (``python -m bench.webhook_chaos`` is the large one), on
PostgreSQL: hundreds of Codat deliveries, duplicated, shuffled and mixed with forgeries, sent
by many threads at once to the live server. It must end with every connection in its true final
state, the signals of each forming one chain of real changes, every forgery refused and none
stored: whether the server's threads apply the events themselves (the immediate backend) or
wake a queue that two worker processes drain at once."""

import random

from bench import signal_log
from bench.webhook_chaos import SECRET, deliveries, heard_signals, judge, owners, plan, send
from conductor_django.codat import signals
from conductor_django.codat.models import CodatWebhookEvent
from tests.tasks.support import (
    WORKER_COMMANDS,
    needs_shared_database,
    running,
    use_engine,
    wait_for,
)

pytestmark = needs_shared_database


def test_duplicated_shuffled_and_forged_deliveries_end_in_the_true_state(
    live_server, transactional_db, settings
):
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": [SECRET]}
    rng = random.Random(14)
    truths = plan(owners(12), 3, rng)
    batch = deliveries(truths, rng, duplicates=0.4, forged=0.2)
    heard, receiver = heard_signals()
    try:
        counts = send(f"{live_server.url}/codat/webhooks/", batch, threads=8)
    finally:
        signals.connection_status_changed.disconnect(receiver)

    assert judge(truths, heard, batch, counts) == []
    assert {kind for kind, _ in counts} == {"good", "forged"}
    assert heard


def test_two_workers_draining_the_queue_apply_every_event_once(
    sandbox, codat_sandbox, live_server, settings, tmp_path
):
    use_engine(settings, "db")
    settings.CODAT = {**settings.CODAT, "WEBHOOK_SECRETS": [SECRET], "AUTO_PROVISION": False}
    rng = random.Random(15)
    truths = plan(owners(12), 3, rng)
    batch = deliveries(truths, rng, duplicates=0.4, forged=0.2)
    log = tmp_path / "signals.jsonl"
    workers = {"base_url": sandbox, "engine": "db", "CONDUCTOR_WORKER_SIGNAL_LOG": str(log)}

    with (
        running(*WORKER_COMMANDS["db"], **workers, **codat_sandbox) as first,
        running(*WORKER_COMMANDS["db"], **workers, **codat_sandbox) as second,
    ):
        counts = send(f"{live_server.url}/codat/webhooks/", batch, threads=8)
        wait_for(
            lambda: not CodatWebhookEvent.objects.filter(status="received").exists(),
            timeout=60,
            what="every stored event applied",
            log=lambda: first.log() + second.log(),
        )
        output = first.log() + second.log()

    heard = [(s["connection_id"], s["old_status"], s["new_status"]) for s in signal_log.read(log)]
    assert judge(truths, heard, batch, counts) == []
    assert "Traceback" not in output
    assert set(CodatWebhookEvent.objects.values_list("attempts", flat=True)) == {1}
