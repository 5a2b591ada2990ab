"""10. Webhook intake: what Codat's webhook endpoint costs per delivery (verification against
the secret, storing the event once, waking the task queue to process it) next to a floor view
that only reads the body and answers 204."""

import json
import secrets
import threading
import time
from datetime import UTC, datetime

import requests
from standardwebhooks import Webhook

from .report import Section
from .stats import median, ms, ratio, rounds, times

INTAKE = "/codat/webhooks/"
FLOOR = "/bench/webhook-floor/"
STORED = "/bench/webhook-stored/"
PATHS = {"floor": FLOOR, "stored": STORED, "intake": INTAKE}
TARGET = 1.5


def _event():
    # A connection event as Codat sends it (about 1.5 kB), for a company no owner has.
    company_id = secrets.token_hex(16)
    connection_id = secrets.token_hex(16)
    return {
        "id": secrets.token_hex(16),
        "eventType": "connection.created",
        "generatedDate": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "payload": {
            "referenceCompany": {
                "id": company_id,
                "name": "Bench Ltd",
                "description": "accounts.User 1",
                "links": {"portal": f"https://app.codat.io/companies/{company_id}/summary"},
                "tags": {"ownerId": "accounts.user:1"},
            },
            "connection": {
                "id": connection_id,
                "integrationId": "bf083d72-62c7-493e-aec9-81b4dbb7e19a",
                "integrationKey": "gbol",
                "sourceId": "8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
                "sourceType": "Accounting",
                "platformName": "Xero",
                "linkUrl": f"https://link-api.codat.io/companies/{company_id}/connections/"
                f"{connection_id}/start",
                "status": "PendingAuth",
                "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "dataConnectionErrors": [],
                "connectionInfo": {},
            },
        },
    }


def _deliveries(count, secret):
    signer, found = Webhook(secret), []
    for _ in range(count):
        body, msg_id, now = json.dumps(_event()), "msg_" + secrets.token_hex(12), datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signer.sign(msg_id, now, body),
        }
        found.append((body.encode(), headers))
    return found


def _block(url, batch, clients):
    """POST the batch with ``clients`` keep-alive clients; (seconds, latencies, non-204s)."""
    latencies, failures, lock = [], [0], threading.Lock()
    shares = [batch[i::clients] for i in range(clients)]
    start = threading.Barrier(clients + 1)

    def client(share):
        session, mine, failed = requests.Session(), [], 0
        start.wait()
        for body, headers in share:
            began = time.perf_counter()
            failed += session.post(url, data=body, headers=headers).status_code != 204
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, failures[0]


def run(ctx, rounds_count, per_block, clients):
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from conductor_django.codat.models import CodatWebhookEvent

    secret = settings.CODAT["WEBHOOK_SECRETS"][0]
    section = Section(
        "Webhook intake",
        f"Signed Codat deliveries (`connection.created`, about 1.5 kB each, every one a new "
        f"`webhook-id`) POSTed to the webhook endpoint, {clients} keep-alive clients at once, "
        f"{per_block} per block, against a floor view with the same decorators that reads the "
        f"body and answers 204. The endpoint verifies the signature with `standardwebhooks`, "
        f"stores the event and, after the commit, wakes the queue: the web process queues the "
        f"task that processes every stored event (django-tasks-db, one insert) at most once a "
        f"second, not once per delivery. No worker runs, so processing is not measured. A "
        f"third view does the endpoint's verification and its one insert without waking "
        f"anything: the least an endpoint that keeps each event before answering does. "
        f"{rounds_count} "
        f"rounds, the variants interleaved (round-robin, the first rotating). Cost per request "
        f"= the block's wall time / its requests.",
    )
    costs = {variant: [] for variant in PATHS}
    latencies = {variant: [] for variant in PATHS}
    failures = 0
    before, queued_before = CodatWebhookEvent.objects.count(), DBTaskResult.objects.count()
    for _index, order in rounds(list(PATHS), rounds_count):
        for variant in order:
            # Signed just before sending: the tolerance is five minutes.
            batch = _deliveries(per_block, secret)
            seconds, block_latencies, failed = _block(ctx.url + PATHS[variant], batch, clients)
            costs[variant].append(seconds / per_block)
            latencies[variant].extend(block_latencies)
            failures += failed
    stored = CodatWebhookEvent.objects.count() - before
    queued = DBTaskResult.objects.count() - queued_before
    floor, intake = median(costs["floor"]), median(costs["intake"])
    one_write = median(costs["stored"])
    section.table(
        ["Variant", "cost per request ms (median of rounds)", "p50 latency ms", "ratio"],
        [
            ["floor: read the body, 204", ms(floor), ms(median(latencies["floor"])), "1.00×"],
            [
                "verify and store, nothing queued",
                ms(one_write),
                ms(median(latencies["stored"])),
                times(ratio(one_write, floor)),
            ],
            [
                "webhook endpoint: verify, store, wake the queue",
                ms(intake),
                ms(median(latencies["intake"])),
                times(ratio(intake, floor)),
            ],
        ],
    )
    section.target(
        f"webhook intake ≤ {TARGET:g}× the floor's cost per request",
        times(ratio(intake, floor)),
        ratio(intake, floor) <= TARGET,
    )
    section.notes.append(
        f"{stored} events stored for {2 * per_block * rounds_count} requests to the endpoint "
        f"and to the store-only view; {failures} answers other than 204."
    )
    section.notes.append(
        f"{queued} tasks queued for the endpoint's {per_block * rounds_count} deliveries "
        f"(one per wake)."
    )
    return section
