"""The webhook chaos run in small (``python -m bench.webhook_chaos`` is the large one), on
PostgreSQL: hundreds of Codat deliveries, duplicated, shuffled and mixed with forgeries, sent
by many threads at once to the live server, whose threads race each other on the same rows. It
must end with every connection in its true final state, the signals of each forming one chain
of real changes, every forgery refused and none stored."""

import random

from bench.webhook_chaos import SECRET, deliveries, heard_signals, judge, owners, plan, send
from conductor_django.codat import signals
from tests.tasks.support import needs_shared_database

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
