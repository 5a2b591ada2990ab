"""5. Stampede: many concurrent cold requests to the settings page of one end-user."""

import threading
import time

import requests

from conductor_django.sandbox import control

from .report import Section
from .stats import median
from .users import connected_user, session_cookies

HEALTH_CHECK = "/quickbooks-desktop/health-check"


def _round(ctx, index, concurrency, delay):
    user, end_user_id = connected_user(f"bench-stampede-{index}", "slow", delay)
    cookies = session_cookies(user)
    sessions = []
    for _ in range(concurrency):
        session = requests.Session()
        session.cookies.update(cookies)
        sessions.append(session)
    start = threading.Barrier(concurrency)
    results = [None] * concurrency

    def request(slot):
        start.wait()
        began = time.perf_counter()
        response = sessions[slot].get(ctx.url + "/quickbooks/", allow_redirects=False)
        results[slot] = (
            time.perf_counter() - began,
            response.status_code,
            'data-conductor-outcome="connected"' in response.text,
        )

    threads = [threading.Thread(target=request, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checks = control.request_count("GET", HEALTH_CHECK, end_user_id)
    return checks, results


def run(ctx, rounds_count, concurrency=50, delay=1.0):
    section = Section(
        "Stampede",
        f"{concurrency} requests released together (a barrier) to `GET /quickbooks/` for one "
        f"user whose status was never checked (a fresh user and end-user each round), with "
        f"the sandbox's `slow` scenario making the health check take {delay:g} s so all "
        f"requests overlap it. Health checks counted by the sandbox's request log. The "
        f"server is one process, so its LocMemCache is shared by all its threads; with several "
        f"processes the cache must be shared (Redis, Memcached, database) for this to hold.",
    )
    rows, worst = [], 0
    for index in range(1, rounds_count + 1):
        checks, results = _round(ctx, index, concurrency, delay)
        worst = max(worst, checks)
        latencies = [latency for latency, _status, _ok in results]
        rows.append(
            [
                index,
                checks,
                sum(status == 200 for _l, status, _ok in results),
                sum(ok for _l, _s, ok in results),
                f"{median(latencies):.2f}",
                f"{max(latencies):.2f}",
            ]
        )
    section.table(
        [
            "Round",
            "upstream health checks",
            "HTTP 200",
            "pages showing connected",
            "median s",
            "slowest s",
        ],
        rows,
    )
    section.target(
        f"1 health check per {concurrency} cold requests", f"{worst} (worst round)", worst == 1
    )
    return section
