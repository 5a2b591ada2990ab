"""``python -m bench.webhook_chaos``: thousands of Codat webhook deliveries, duplicated, shuffled
and mixed with forgeries, sent over HTTP by many threads at once.

Every connection gets a true history (created, then a random walk through connected, failed,
disconnected, reconnected, sometimes deleted), each event one second after the last. Each event
is delivered once, a share of them again (Codat's at-least-once), and a share of them forged:
signed with a secret the host does not have, tampered with after signing, replayed with an old
timestamp, or correctly signed garbage. The whole lot is shuffled, so most connections see their
events out of order, and sent concurrently to the example project served in this process
(a threaded WSGI server). On the immediate task backend each event is applied by the request
that stored it, so the server's threads race each other on the same rows; with ``--workers N``
the requests only store and wake the queue (django-tasks-db), and N worker processes drain it
at once.

Then the run checks what the issue promises: every connection in its true final state, the
status signals of each connection forming one chain of real changes from nothing to that state
(never a change twice, never one that did not happen; an intermediate state whose event arrived
after a newer one is history and is skipped), every good delivery answered 204 and every forged
one refused, and no forged event stored. The exit status is 1 when any of that fails.

The functions that plan, send and judge (``plan``, ``deliveries``, ``send``, ``judge``) are
shared with the smaller version in the test suite (tests/chaos).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from standardwebhooks import Webhook

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FORGER = "whsec_" + "QkFEQkFEQkFEQkFEQkFEQkFEQkFEQkFE"
FORGERIES = ("wrong_secret", "tampered", "old_timestamp", "garbage")
# Which event takes a connection from one status to which others.
WALK = {
    "PendingAuth": [("connection.connected", "Linked"), ("connection.failed", "PendingAuth")],
    "Linked": [
        ("connection.disconnected", "Deauthorized"),
        ("connection.disconnected", "Unlinked"),
    ],
    "Deauthorized": [("connection.reconnected", "Linked")],
    "Unlinked": [("connection.reconnected", "Linked")],
}


@dataclass
class Truth:
    """One connection's real history: (event type, status after it or None once deleted, when)."""

    company_id: str
    connection_id: str
    steps: list[tuple[str, str | None, datetime]] = field(default_factory=list)

    @property
    def final(self) -> str | None:
        return self.steps[-1][1]

    def changes(self) -> list[tuple[str | None, str | None]]:
        """The real status changes, as the signals would name them in order."""
        found, before = [], None
        for _, status, _ in self.steps:
            if status != before:
                found.append((before, status))
            before = status
        return found


@dataclass
class Delivery:
    body: str
    headers: dict[str, str]
    msg_id: str
    forged: str | None = None


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def plan(company_ids: list[str], per_company: int, rng: random.Random) -> list[Truth]:
    base = datetime.now(UTC) - timedelta(days=1)
    truths = []
    for company_id in company_ids:
        for _ in range(per_company):
            truth = Truth(company_id, f"conn-{rng.getrandbits(64):016x}")
            at = base + timedelta(milliseconds=rng.randrange(1000))
            truth.steps.append(("connection.created", "PendingAuth", at))
            status = "PendingAuth"
            for _ in range(rng.randrange(6)):
                event_type, status = rng.choice(WALK[status])
                at += timedelta(seconds=1)
                truth.steps.append((event_type, status, at))
            if rng.random() < 0.15:
                truth.steps.append(("connection.deleted", None, at + timedelta(seconds=1)))
            truths.append(truth)
    return truths


def _connection(truth: Truth, status: str, at: datetime, failed: bool) -> dict:
    errors = []
    if failed:
        errors.append(
            {
                "statusCode": "400",
                "statusText": "The organisation is not on a paid plan",
                "errorMessage": "Link failed",
                "erroredOnUtc": timestamp(at),
                "status": "Active",
            }
        )
    return {
        "id": truth.connection_id,
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbb7e19a",
        "integrationKey": "gbol",
        "sourceId": "8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
        "sourceType": "Accounting",
        "platformName": "Xero",
        "linkUrl": f"https://link-api.codat.io/companies/{truth.company_id}/connections/"
        f"{truth.connection_id}/start",
        "status": status,
        "created": timestamp(truth.steps[0][2]),
        "dataConnectionErrors": errors,
    }


def events(truth: Truth) -> list[dict]:
    found, status = [], "PendingAuth"
    for event_type, after, at in truth.steps:
        # A deleted connection is described as it was when Codat deleted it.
        status = after or status
        found.append(
            {
                "id": secrets.token_hex(8),
                "eventType": event_type,
                "generatedDate": timestamp(at),
                "payload": {
                    "referenceCompany": {"id": truth.company_id, "name": "Chaos Ltd"},
                    "connection": _connection(
                        truth, status, at, failed=event_type == "connection.failed"
                    ),
                },
            }
        )
    return found


def sign(body: str, msg_id: str, secret: str = SECRET, age: float = 0) -> dict[str, str]:
    when = datetime.now(UTC) - timedelta(seconds=age)
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body),
    }


def forge(kind: str, body: str, msg_id: str) -> Delivery:
    if kind == "wrong_secret":
        return Delivery(body, sign(body, msg_id, FORGER), msg_id, kind)
    if kind == "tampered":
        signed = sign(body, msg_id)
        changed = body.replace('"PendingAuth"', '"Linked"').replace('"Unlinked"', '"Linked"')
        return Delivery(changed + " ", signed, msg_id, kind)
    if kind == "old_timestamp":
        return Delivery(body, sign(body, msg_id, age=600), msg_id, kind)
    garbage_id = "msg_" + secrets.token_hex(8)
    garbage = "<html>502 Bad Gateway"
    return Delivery(garbage, sign(garbage, garbage_id), garbage_id, kind)


def deliveries(
    truths: list[Truth], rng: random.Random, *, duplicates: float, forged: float
) -> list[Delivery]:
    """Each event once, a share again, a share forged (most reusing the real id), shuffled.
    Signed now: the run must send them within the five minutes' tolerance."""
    found = []
    for truth in truths:
        for event in events(truth):
            body = json.dumps(event)
            msg_id = "msg_" + secrets.token_hex(10)
            found.append(Delivery(body, sign(body, msg_id), msg_id))
            if rng.random() < duplicates:
                found.append(Delivery(body, sign(body, msg_id), msg_id))
            if rng.random() < forged:
                found.append(forge(rng.choice(FORGERIES), body, msg_id))
    rng.shuffle(found)
    return found


def send(url: str, batch: list[Delivery], threads: int) -> Counter:
    """POST every delivery with ``threads`` keep-alive clients; counts (good or forged, status)."""
    counts: Counter = Counter()
    lock = threading.Lock()
    local = threading.local()

    def post(delivery: Delivery) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        try:
            status = session.post(
                url, data=delivery.body.encode(), headers=delivery.headers, timeout=60
            ).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        with lock:
            counts["forged" if delivery.forged else "good", status] += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(post, batch))
    return counts


def _chain(pairs: list[tuple], current: object, final: object) -> list | None:
    """The pairs ordered into one chain from ``current`` to ``final`` using each once."""
    if not pairs:
        return [] if current == final else None
    for index, pair in enumerate(pairs):
        if pair[0] == current:
            rest = _chain(pairs[:index] + pairs[index + 1 :], pair[1], final)
            if rest is not None:
                return [pair, *rest]
    return None


def _subsequence(found: list, real: list) -> bool:
    remaining = iter(real)
    return all(any(item == candidate for candidate in remaining) for item in found)


def judge(truths: list[Truth], heard: list[tuple], batch: list[Delivery], counts: Counter) -> list:
    """What went wrong (an empty list: nothing). ``heard``: (connection id, old, new) of each
    status signal, in any order."""
    from conductor_django.codat.models import CodatConnection, CodatWebhookEvent

    problems = []
    rows = {r.connection_id: r for r in CodatConnection.objects.all()}
    by_connection: dict[str, list] = {}
    for connection_id, old, new in heard:
        by_connection.setdefault(connection_id, []).append((old, new))
    for truth in truths:
        row = rows.get(truth.connection_id)
        state = None if row is None or row.deleted_at else row.status
        if row is None or state != truth.final:
            problems.append(f"{truth.connection_id}: recorded {state}, truly {truth.final}")
        pairs = by_connection.get(truth.connection_id, [])
        chain = _chain(pairs, None, truth.final) if pairs else []
        reached = [new for _, new in chain or []]
        if chain is None or not _subsequence(reached, [new for _, new in truth.changes()]):
            problems.append(
                f"{truth.connection_id}: signals {pairs} are not a chain of the real changes "
                f"{truth.changes()}"
            )
        if truth.final is not None and not pairs:
            problems.append(f"{truth.connection_id}: no signal, though it exists")
    good_ids = {d.msg_id for d in batch if not d.forged}
    stored = set(CodatWebhookEvent.objects.values_list("webhook_id", flat=True))
    if stored != good_ids:
        problems.append(
            f"{len(stored - good_ids)} forged events stored, {len(good_ids - stored)} good missing"
        )
    not_processed = CodatWebhookEvent.objects.exclude(status="processed").count()
    if not_processed:
        problems.append(f"{not_processed} stored events were not processed")
    wrong = {k: v for k, v in counts.items() if (k[0] == "good") != (k[1] == 204)}
    if wrong:
        problems.append(f"unexpected answers: {wrong}")
    return problems


def heard_signals() -> tuple[list, object]:
    """A list the status signals are appended to, and the receiver (keep it referenced)."""
    from conductor_django.codat import signals

    heard: list = []
    lock = threading.Lock()

    def receiver(sender, **kwargs):
        with lock:
            heard.append((kwargs["connection_id"], kwargs["old_status"], kwargs["new_status"]))

    signals.connection_status_changed.connect(receiver, weak=False)
    return heard, receiver


def owners(count: int) -> list[str]:
    """``count`` users, each with a Codat company id; returns the ids."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    ids = []
    for number in range(count):
        company_id = f"company-{secrets.token_hex(6)}"
        user = model.objects.create_user(f"chaos{number}-{secrets.token_hex(3)}", password=None)
        model.objects.filter(pk=user.pk).update(codat_company_id=company_id)
        ids.append(company_id)
    return ids


def _serve():
    """The example project in a threaded WSGI server of this process, on a free port."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.daemon_threads = True
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_chaos", description=__doc__)
    parser.add_argument("--companies", type=int, default=150)
    parser.add_argument("--per-company", type=int, default=2, help="connections per company")
    parser.add_argument("--duplicates", type=float, default=0.3, help="share redelivered")
    parser.add_argument("--forged", type=float, default=0.15, help="share with a forgery")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="django-tasks-db worker processes that apply the events (0: the immediate backend)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="webhook-chaos-") as tmp:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.webhook_settings"
        os.environ["BENCH_DB"] = args.db
        os.environ.setdefault("BENCH_DB_PATH", str(Path(tmp) / "chaos.sqlite3"))
        os.environ.setdefault("BENCH_PG_NAME", "conductor_webhook_chaos")
        if args.workers:
            os.environ["BENCH_QUEUE"] = "db"
            os.environ["CONDUCTOR_WORKER_SIGNAL_LOG"] = str(Path(tmp) / "signals.jsonl")
        sys.path.insert(0, str(ROOT))
        if args.db == "postgres":
            from .server import reset_postgres_database

            reset_postgres_database(os.environ["BENCH_PG_NAME"])
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        try:
            return _run(args, Path(tmp))
        finally:
            if args.db == "postgres":
                from django.db import connections

                connections.close_all()
                reset_postgres_database(os.environ["BENCH_PG_NAME"], create=False)


def _worker(log: Path) -> subprocess.Popen:
    """A django-tasks-db worker on the run's database, polling every 0.1 s, its output in
    ``log``."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"]
            + ["--no-reload", "--queue-name", "*"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _all_applied(timeout: float) -> float:
    """Wait until no stored event is still waiting; seconds from the last answer to then."""
    from conductor_django.codat.models import CodatWebhookEvent

    began = time.monotonic()
    waiting = CodatWebhookEvent.objects.filter(status="received")
    while waiting.exists():
        if time.monotonic() - began > timeout:
            raise SystemExit(f"{waiting.count()} events still waiting after {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - began


def _tasks_queued() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def _heard_by_workers() -> list[tuple]:
    from .signal_log import read

    lines = read(os.environ["CONDUCTOR_WORKER_SIGNAL_LOG"])
    return [(s["connection_id"], s["old_status"], s["new_status"]) for s in lines]


def _run(args, workdir: Path) -> int:
    from django.urls import reverse

    rng = random.Random(args.seed)
    truths = plan(owners(args.companies), args.per_company, rng)
    batch = deliveries(truths, rng, duplicates=args.duplicates, forged=args.forged)
    heard, _receiver = heard_signals()
    server, base = _serve()
    logs = [workdir / f"worker-{number}.log" for number in range(args.workers)]
    workers = [_worker(log) for log in logs]
    try:
        began = time.monotonic()
        counts = send(base + reverse("conductor_codat_webhooks:receive"), batch, args.threads)
        elapsed = time.monotonic() - began
        if workers:
            applied = _all_applied(timeout=300)
            heard = _heard_by_workers()
            print(
                f"{len(workers)} workers applied every event within {applied:.1f} s of the last "
                f"answer; {_tasks_queued()} tasks were queued"
            )
    finally:
        server.shutdown()
        for worker in workers:
            worker.terminate()
            worker.wait(30)
    problems = judge(truths, heard, batch, counts)
    problems += [f"a traceback in {log.name}" for log in logs if "Traceback" in log.read_text()]
    kinds = Counter(d.forged or "good" for d in batch)
    changes = sum(len(t.changes()) for t in truths)
    print(
        f"{len(truths)} connections, {sum(len(t.steps) for t in truths)} events, {changes} "
        f"real status changes"
    )
    print(
        f"{len(batch)} deliveries in {elapsed:.1f} s with {args.threads} threads: "
        + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    )
    print(
        "answers: " + ", ".join(f"{k[0]} {k[1]}: {n}" for k, n in sorted(counts.items(), key=str))
    )
    print(f"signals: {len(heard)} (of {changes} real changes; skipped ones arrived after newer)")
    for problem in problems[:30]:
        print(f"PROBLEM {problem}")
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
