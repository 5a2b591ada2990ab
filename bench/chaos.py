"""``python -m bench.chaos``: hundreds of sign-ups over HTTP while Conductor misbehaves.

The example project and the sandbox are served by gunicorn (one process, many threads) on
PostgreSQL, with django-tasks-db's ``db_worker`` processes creating end-users from the queue.
While the sign-ups run, the sandbox adds latency to every API call and gives a share of them a
random fault: 5xx answers, an HTML 502, 429s, dropped connections (before or after processing),
answers slower than the client's read timeout, and creates it completes only after the client
gave up (``complete_late``). Each simulated user signs up, lands on the dashboard and opens the
QuickBooks settings page, which races the worker for the end-user.

Then the faults stop, the queue drains, and the run checks what the README promises: exactly one
end-user per user, the row pointing at it, no answer 500, and ``conductor_sync_end_users
--dry-run`` reporting nothing to repair. The exit status is 1 when any of that fails. The
figures are printed as a Markdown section for docs/production.md.

The functions that drive and count (``sign_up_journey``, ``run_sign_ups``, ``census``,
``settle``) are shared with the smaller version in the test suite (tests/chaos).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# Every fault the sandbox can inject, in the proportions of a random choice among them.
FAULT_KINDS = [
    "http_500",
    "http_502",
    "http_503",
    "html_502",
    "rate_limit",
    "drop",
    "drop_after",
    "delay",
    "complete_late",
]
PASSWORD = "chaos-Pa55word!"
OUTCOME = re.compile(r'data-conductor-outcome="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Tally:
    """What the simulated users saw, counted across threads."""

    statuses: Counter = field(default_factory=Counter)
    pages: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, step, response):
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.errors.append(f"{step} answered {response.status_code}")

    def page(self, outcome):
        with self.lock:
            self.pages[outcome] += 1


def sign_up_journey(base_url: str, username: str, tally: Tally) -> None:
    """One person: the sign-up form, the dashboard it leads to, then the QuickBooks page."""
    with requests.Session() as session:
        form = session.get(f"{base_url}/sign-up/", timeout=60)
        tally.saw("GET /sign-up/", form)
        token = CSRF.search(form.text).group(1)
        response = session.post(
            f"{base_url}/sign-up/",
            data={
                "csrfmiddlewaretoken": token,
                "username": username,
                "email": f"{username}@example.com",
                "company_name": f"{username.title()} Ltd",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            headers={"Referer": f"{base_url}/sign-up/"},
            allow_redirects=False,
            timeout=60,
        )
        tally.saw("POST /sign-up/", response)
        if response.status_code != 302:
            with tally.lock:
                tally.errors.append(f"sign-up of {username} answered {response.status_code}")
            return
        tally.saw("dashboard", session.get(base_url + response.headers["Location"], timeout=60))
        page = session.get(f"{base_url}/quickbooks/", allow_redirects=False, timeout=60)
        tally.saw("GET /quickbooks/", page)
        if page.status_code == 302:
            tally.page("sent into the hosted flow")
        elif match := OUTCOME.search(page.text):
            tally.page(match.group(1))


def run_sign_ups(base_url: str, count: int, concurrency: int, prefix: str = "chaos") -> Tally:
    tally = Tally()

    def one(number):
        try:
            sign_up_journey(base_url, f"{prefix}{number:04d}", tally)
        except requests.RequestException as exc:  # the server itself failed to answer
            with tally.lock:
                tally.errors.append(f"{prefix}{number:04d}: {type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(1, count + 1)))
    return tally


@dataclass
class Census:
    owners: int
    per_owner: Counter
    mismatched: list
    orphans: list

    @property
    def exactly_one_each(self) -> bool:
        return self.per_owner == Counter({1: self.owners}) and not self.mismatched


def census(model) -> Census:
    """End-users per owner as the sandbox holds them, and rows pointing elsewhere."""
    from conductor_django.sandbox import control

    stored = {
        str(pk): end_user
        for pk, end_user in model.objects.values_list("pk", "conductor_end_user_id")
    }
    by_source = defaultdict(list)
    for end_user in control.end_users():
        by_source[end_user["sourceId"]].append(end_user["id"])
    return Census(
        owners=len(stored),
        per_owner=Counter(len(by_source.get(pk, [])) for pk in stored),
        mismatched=[pk for pk, end_user in stored.items() if by_source.get(pk) != [end_user]],
        orphans=[ids for source, ids in by_source.items() if source not in stored],
    )


def settle(model, *, quiet_seconds: float, timeout: float) -> float:
    """Wait until every owner has an end-user and the task queue is empty, then for
    ``quiet_seconds`` more (a create the sandbox is still holding lands within that). Returns
    the seconds waited; raises ``TimeoutError`` after ``timeout``."""
    from django_tasks_db.models import DBTaskResult

    started = time.monotonic()
    while True:
        missing = model.objects.filter(conductor_end_user_id__isnull=True).count()
        queued = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if not missing and not queued:
            break
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{missing} owners without an end-user, {queued} tasks queued")
        time.sleep(0.5)
    time.sleep(quiet_seconds)
    return time.monotonic() - started


def injected(read_timeout: float, late_ms: int) -> tuple[Counter, int]:
    """Faults the sandbox injected, by kind, and the creates it completed after the client's
    read timeout had run out (``complete_late``, and ``delay`` longer than the timeout)."""
    from conductor_django.sandbox.models import RequestLog

    kinds = Counter(RequestLog.objects.exclude(fault="").values_list("fault", flat=True))
    late = RequestLog.objects.filter(method="POST", path="/end-users", status=200)
    late_kinds = ["complete_late"] + (["delay"] if late_ms / 1000 > read_timeout else [])
    return kinds, late.filter(fault__in=late_kinds).count()


# The command-line run: servers, workers, report.


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--signups", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8, help="users signing up at once")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of API calls")
    parser.add_argument("--latency-ms", type=int, default=30, help="added to every API call")
    parser.add_argument(
        "--late-ms", type=int, default=5000, help="how long delay and complete_late faults hold"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds to settle at most")
    return parser.parse_args(argv)


def _environment(port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.chaos_settings",
        "BENCH_PORT": str(port),
        "BENCH_DB": "postgres",
        "BENCH_PG_NAME": "conductor_chaos",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def _start_workers(count, env, log_dir):
    workers = []
    for number in range(count):
        log = open(log_dir / f"worker-{number}.log", "wb")  # noqa: SIM115 (closed with it)
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--no-reload",
                    "--queue-name",
                    "*",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()
    return workers


def _stop(processes):
    import signal

    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _sync_report(env):
    result = subprocess.run(
        [sys.executable, "manage.py", "conductor_sync_end_users", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout.strip()


def _markdown(args, figures):
    kinds = figures["kinds"]
    found = figures["census"]
    per_owner = ", ".join(f"{count} with {n}" for n, count in sorted(found.per_owner.items()))
    rows = [
        (f"Sign-ups (over HTTP, {args.concurrency} at a time)", args.signups),
        (
            "Server",
            f"gunicorn gthread, 1 process × 64 threads; PostgreSQL; {args.workers} "
            "`db_worker` processes",
        ),
        (
            "Conductor",
            f"the sandbox: +{args.latency_ms} ms on every call, {args.fault_rate:.0%} of calls "
            f"faulted, delays and late creates {args.late_ms / 1000:g} s",
        ),
        (
            "Client settings",
            f"`READ_TIMEOUT` {figures['read_timeout']:g} s, `CREATE_GRACE_SECONDS` "
            f"{figures['grace']:g} s, `TASK_MAX_ATTEMPTS` {figures['attempts']}",
        ),
        ("API calls that reached the sandbox", figures["api_calls"]),
        ("Faults injected", sum(kinds.values())),
        ("Creates completed after the client's timeout", figures["late"]),
        ("End-users per user", per_owner),
        ("Rows pointing at another end-user", len(found.mismatched)),
        ("End-users matching no user", len(found.orphans)),
        (
            "App answers (status: count)",
            ", ".join(f"{code}: {n}" for code, n in sorted(figures["statuses"].items())),
        ),
        ("Answers 500", figures["five_hundreds"]),
        (
            "Settings page right after sign-up",
            ", ".join(f"{outcome}: {n}" for outcome, n in figures["pages"].most_common()),
        ),
        ("Tracebacks in the server and worker logs", figures["tracebacks"]),
        (
            "Sign-ups / settling / whole run",
            f"{figures['signup_seconds']:.0f} s / {figures['settle_seconds']:.0f} s / "
            f"{figures['seconds']:.0f} s",
        ),
    ]
    table = "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
    fault_rows = "\n".join(f"| `{kind}` | {kinds.get(kind, 0)} |" for kind in FAULT_KINDS)
    sync = "\n".join(f"    {line}" for line in figures["sync"].splitlines())
    return (
        f"`{figures['command']}` on {figures['machine']}, {figures['date']}.\n\n{table}\n\n"
        f"Faults by kind:\n\n| kind | injected |\n|---|---|\n{fault_rows}\n\n"
        "`manage.py conductor_sync_end_users --dry-run` afterwards (exit status "
        f"{figures['sync_status']}):\n\n{sync}\n"
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    began = time.monotonic()
    from .server import Server, free_port, reset_postgres_database

    port = free_port()
    env = _environment(port)
    reset_postgres_database(env["BENCH_PG_NAME"])
    reset_postgres_database(env["BENCH_PG_NAME"] + "_sandbox")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from conductor_django.sandbox import control
    from conductor_django.sandbox.models import RequestLog

    from . import machine

    for database in settings.DATABASES:
        call_command("migrate", database=database, verbosity=0, interactive=False)
    conductor = settings.CONDUCTOR
    import tempfile

    with tempfile.TemporaryDirectory(prefix="conductor-chaos-") as tmp:
        logs = Path(tmp)
        server = Server(port, env, logs / "server.log")
        workers = []
        try:
            with server:
                workers = _start_workers(args.workers, env, logs)
                control.reset()
                control.set_faults(
                    latency_ms=args.latency_ms,
                    fault_rate=args.fault_rate,
                    fault_kinds=FAULT_KINDS,
                    retry_after_seconds=1,
                    delay_ms=args.late_ms,
                )
                print(f"[chaos] {args.signups} sign-ups …", file=sys.stderr, flush=True)
                started = time.monotonic()
                tally = run_sign_ups(server.url, args.signups, args.concurrency)
                signup_seconds = time.monotonic() - started
                control.set_faults(fault_rate=0, latency_ms=0)
                print("[chaos] settling …", file=sys.stderr, flush=True)
                model = get_user_model()
                settle_seconds = settle(
                    model, quiet_seconds=args.late_ms / 1000 + 2, timeout=args.timeout
                )
                kinds, late = injected(conductor["READ_TIMEOUT"], args.late_ms)
                api_calls = RequestLog.objects.count()
                found = census(model)
                sync_status, sync = _sync_report(env)
        finally:
            _stop(workers)
        text = "\n".join(path.read_text(errors="replace") for path in logs.glob("*.log"))
    five_hundreds = sum(n for code, n in tally.statuses.items() if code >= 500)
    figures = {
        "command": "python -m bench.chaos" + (" " + shlex.join(argv) if argv else ""),
        "machine": "{cpu}, {cores}".format(**machine.describe("PostgreSQL")),
        "date": time.strftime("%Y-%m-%d"),
        "read_timeout": conductor["READ_TIMEOUT"],
        "grace": conductor["CREATE_GRACE_SECONDS"],
        "attempts": conductor["TASK_MAX_ATTEMPTS"],
        "kinds": kinds,
        "late": late,
        "api_calls": api_calls,
        "census": found,
        "statuses": tally.statuses,
        "pages": tally.pages,
        "five_hundreds": five_hundreds,
        "tracebacks": text.count("Traceback"),
        "signup_seconds": signup_seconds,
        "settle_seconds": settle_seconds,
        "seconds": time.monotonic() - began,
        "sync": sync,
        "sync_status": sync_status,
    }
    print(_markdown(args, figures))
    clean = "no user has more than one, and each matches a user" in sync
    ok = (
        found.exactly_one_each
        and not found.orphans
        and five_hundreds == 0
        and not tally.errors
        and sync_status == 0
        and clean
        and f"0 of {found.owners} users have no Conductor end-user" in sync
    )
    if not ok:
        print("[chaos] FAILED: " + "; ".join(tally.errors[:10]), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
