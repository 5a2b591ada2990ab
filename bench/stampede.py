"""5. Stampede: many concurrent cold opens of one end-user's settings page, and their polls."""

import threading
import time

from .report import Section
from .rig import HOST_THREADS, Rig
from .stats import median


def _round(rig, index, concurrency, delay):
    cookies, end_user_id = rig.user(f"bench-stampede-{index}", delay)
    sessions = [rig.session(cookies) for _ in range(concurrency)]
    start = threading.Barrier(concurrency)
    results = [None] * concurrency

    def request(slot):
        start.wait()
        began = time.perf_counter()
        response, status = rig.open_settings(sessions[slot])
        first_byte = response.elapsed.total_seconds()
        body, polls = rig.follow(sessions[slot], status) if status else ({"state": None}, 0)
        results[slot] = (first_byte, time.perf_counter() - began, polls, body["state"])

    threads = [threading.Thread(target=request, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return rig.checks(end_user_id), results


def run(ctx, rounds_count, concurrency=50, delay=1.0):
    section = Section(
        "Stampede",
        f"{concurrency} opens of `GET /quickbooks/` released together (a barrier) for one user "
        f"whose status was never checked (a fresh user and end-user each round), each then "
        f"polling the page's status endpoint as its script does until the check is over; the "
        f"sandbox's `slow` scenario makes the health check take {delay:g} s. On the "
        f"health-check rig: the host on gunicorn gthread, 1 worker × {HOST_THREADS} threads, "
        f"one `db_worker` process running the checks, Redis as the cache shared by the web "
        f"process and the worker (single flight holds across processes only with a shared "
        f"cache). Health checks counted by the sandbox's request log.",
    )
    rows, worst = [], 0
    with Rig(ctx) as rig, rig.workers(1):
        for index in range(1, rounds_count + 1):
            checks, results = _round(rig, index, concurrency, delay)
            worst = max(worst, checks)
            rows.append(
                [
                    index,
                    checks,
                    sum(polls for _f, _t, polls, _s in results),
                    sum(state == "connected" for _f, _t, _p, state in results),
                    f"{median([first for first, _t, _p, _s in results]) * 1000:.1f}",
                    f"{median([total for _f, total, _p, _s in results]):.2f}",
                    f"{max(total for _f, total, _p, _s in results):.2f}",
                ]
            )
    section.table(
        [
            "Round",
            "upstream health checks",
            "status polls",
            "ended connected",
            "median first byte ms",
            "median s to answer",
            "slowest s",
        ],
        rows,
    )
    section.target(
        f"1 health check per {concurrency} cold opens and their polls",
        f"{worst} (worst round)",
        worst == 1,
    )
    return section
