"""The chaos run in small (``python -m bench.chaos`` is the large one): tens of sign-ups over
HTTP to the live server while the sandbox adds latency, injects every kind of fault and completes
some creates only after the client gave up, with a real django-tasks-db worker creating
end-users from the queue. It must end with exactly one end-user per user, no answer 500 and the
sync reporting nothing to repair."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from bench.chaos import FAULT_KINDS, census, injected, run_sign_ups, settle
from conductor_django.sandbox import control
from tests.tasks.support import WORKER_COMMANDS, needs_shared_database, running, use_engine

pytestmark = needs_shared_database

SIGN_UPS = 30
# Shortened in proportion: the client gives up after 1 s, late creates land 1 s after that,
# the grace period (3 s) outlasts both.
READ_TIMEOUT = 1
LATE_MS = 2000
GRACE = 3
MAX_ATTEMPTS = 8


def test_sign_ups_under_chaos_end_with_exactly_one_end_user_each(sandbox, live_server, settings):
    use_engine(settings, "db")
    settings.CONDUCTOR = {
        **settings.CONDUCTOR,
        "CONNECT_TIMEOUT": 1,
        "READ_TIMEOUT": READ_TIMEOUT,
        "HEALTH_CHECK_TIMEOUT": 1,
        "MAX_RETRY_WAIT": 1,
        "CREATE_GRACE_SECONDS": GRACE,
        "TASK_MAX_ATTEMPTS": MAX_ATTEMPTS,
    }
    control.set_faults(
        latency_ms=10,
        fault_rate=0.2,
        fault_kinds=FAULT_KINDS,
        retry_after_seconds=1,
        delay_ms=LATE_MS,
    )
    # A late create for sure, whatever the random draw.
    control.fail_next(2, "complete_late", method="POST", path="/end-users", delay_ms=LATE_MS)

    with running(
        *WORKER_COMMANDS["db"],
        base_url=sandbox,
        engine="db",
        CONDUCTOR_WORKER_READ_TIMEOUT=READ_TIMEOUT,
        CONDUCTOR_WORKER_GRACE_SECONDS=GRACE,
        CONDUCTOR_WORKER_MAX_ATTEMPTS=MAX_ATTEMPTS,
    ) as worker:
        tally = run_sign_ups(live_server.url, SIGN_UPS, concurrency=4)
        control.set_faults(fault_rate=0, latency_ms=0)
        User = get_user_model()
        settle(User, quiet_seconds=LATE_MS / 1000 + 0.5, timeout=90)
        log = worker.log()

    assert tally.errors == []
    assert not [code for code in tally.statuses if code >= 500]
    kinds, late = injected(READ_TIMEOUT, LATE_MS)
    assert late >= 1 and sum(kinds.values()) > 2
    found = census(User)
    assert found.owners == SIGN_UPS
    assert found.exactly_one_each, (found.per_owner, found.mismatched)
    assert found.orphans == []
    assert "Traceback" not in log
    out = StringIO()
    call_command("conductor_sync_end_users", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"0 of {SIGN_UPS} users have no Conductor end-user; run without --dry-run to create them.",
        f"Conductor has {SIGN_UPS} end-users: no user has more than one, and each matches a user.",
    ]
