"""6. The settings page while QuickBooks is slow, and 7. the host's other pages while 50 slow
checks run. Both on the health-check rig (``bench.rig``)."""

import multiprocessing
import time

from . import pollers
from .load import run as load_run
from .report import Section
from .rig import HOST_THREADS, Rig
from .stats import median, ms, ratio, rounds, times

LATENCIES = (0, 2, 6, 20)


def _ttfb(rig, samples):
    """Median time to first byte of a page that asks for a check, per latency, against the
    page of a user whose status is cached."""
    cached_cookies, _ = rig.user("bench-ttfb-cached", 0)
    cached = rig.session(cached_cookies)
    results = {"cached": []} | {latency: [] for latency in LATENCIES}
    users = {latency: [] for latency in LATENCIES}
    for latency in LATENCIES:
        for index in range(samples):
            users[latency].append(rig.user(f"bench-ttfb-{latency}-{index}", latency)[0])
    with rig.workers(1):
        _response, status = rig.open_settings(cached)
        if status:
            rig.follow(cached, status)
        if 'data-conductor-outcome="connected"' not in rig.open_settings(cached)[0].text:
            raise RuntimeError("the cached user's page does not show connected")
    rig.purge_queue()
    # No worker now: the checks asked stay queued, which does not change the page's first byte.
    for index, order in rounds(["cached", *LATENCIES], samples):
        for variant in order:
            if variant == "cached":
                session = cached
            else:
                session = rig.session(users[variant][index])
            response = session.get(rig.url + "/quickbooks/", allow_redirects=False, stream=True)
            results[variant].append(response.elapsed.total_seconds())
            body = response.text
            expected = "connected" if variant == "cached" else "checking"
            if f'data-conductor-outcome="{expected}"' not in body:
                raise RuntimeError(f"{variant}: the page is not {expected!r}")
    rig.purge_queue()
    return {variant: median(values) for variant, values in results.items()}


def _chromium_answers(rig, repeats):
    """Seconds from opening the page in chromium to its final answer, per latency."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS

    found = {latency: [] for latency in LATENCIES}
    # Made first: Playwright's sync API runs an event loop, where Django refuses the ORM.
    users = {
        (repeat, latency): rig.user(f"bench-chromium-{latency}-{repeat}", latency)[0]
        for repeat in range(repeats)
        for latency in LATENCIES
    }
    with rig.workers(2), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for (_repeat, latency), cookies in users.items():
                context = browser.new_context(base_url=rig.url)
                context.add_cookies(
                    [{"name": k, "value": v, "url": rig.url} for k, v in cookies.items()]
                )
                page = context.new_page()
                began = time.perf_counter()
                page.goto("/quickbooks/")
                page.wait_for_selector(
                    '[data-conductor-outcome="connected"]', timeout=(latency + 30) * 1000
                )
                found[latency].append(time.perf_counter() - began)
                context.close()
        finally:
            browser.close()
    return {latency: median(values) for latency, values in found.items()}


def run_page(rig, samples, repeats):
    section = Section(
        "Settings page while QuickBooks is slow",
        f"The health-check rig: the host on gunicorn gthread, 1 worker × {HOST_THREADS} "
        f"threads; the sandbox on a server of its own; `db_worker` processes running the "
        f"checks; Redis as the shared cache. **Time to first byte** (`requests`' `elapsed`, "
        f"headers received) of `GET /quickbooks/` for a user whose status is not recorded "
        f"(so the page asks for a check) and whose health check takes 0, 2, 6 or 20 s (the "
        f"sandbox's `slow` scenario), against the page of a user whose status is cached; "
        f"{samples} samples each, interleaved, medians; no worker runs during this part, "
        f"which the first byte does not depend on. **Open to answer**: chromium opens the page "
        f"(2 workers running) and waits until it shows Connected (the script's polls, then the "
        f"page's answer swapped in); median of {repeats}.",
    )
    ttfb = _ttfb(rig, samples)
    answers = _chromium_answers(rig, repeats)
    rows = []
    for latency in LATENCIES:
        page_ratio = ratio(ttfb[latency], ttfb["cached"])
        rows.append(
            [
                f"{latency} s",
                ms(ttfb[latency]),
                ms(ttfb["cached"]),
                times(page_ratio),
                f"{answers[latency]:.2f}",
            ]
        )
        section.target(
            f"TTFB at {latency} s ≤ 1.3× the cached page", times(page_ratio), page_ratio <= 1.3
        )
    section.table(
        ["check latency", "TTFB ms", "cached page TTFB ms", "÷ cached", "open to answer s"],
        rows,
    )
    for latency in LATENCIES:
        section.target(
            f"answer shown at {latency} s ≤ {latency + 1} s",
            f"{answers[latency]:.2f} s",
            answers[latency] <= latency + 1,
        )
    return section


def run_busy(rig, rounds_count, seconds, clients, users, workers, latency=20):
    section = Section(
        "Other pages while slow checks run",
        f"The health-check rig (host: gunicorn gthread, 1 worker × {HOST_THREADS} threads). "
        f"The host's other pages (the floor view of section 2) under load: {clients} "
        f"keep-alive clients, {rounds_count} rounds of {seconds} s, p99 per round, median over "
        f"rounds; with the workers idle, then while {users} users, whose checks each take "
        f"{latency} s, "
        f"open the settings page and poll it as its script does ({workers} `db_worker` "
        f"processes run the checks, {workers} at a time; the page holds no thread meanwhile).",
    )
    cookies, _ = rig.user("bench-busy-floor", 0)
    slow_users = [rig.user(f"bench-busy-{index}", latency)[0] for index in range(users)]
    with rig.workers(workers):
        # The same processes as below (the workers waiting for work), only no checks.
        quiet = [
            load_run(rig.url + "/bench/floor/", cookies, clients, seconds)
            for _ in range(rounds_count)
        ]
    spawn = multiprocessing.get_context("spawn")
    stop, polls = spawn.Event(), spawn.Value("i", 0)
    busy = []
    with rig.workers(workers):
        process = spawn.Process(target=pollers.run, args=(rig.url, slow_users, stop, polls))
        process.start()
        time.sleep(3)  # every user has opened the page and started polling
        for _ in range(rounds_count):
            busy.append(load_run(rig.url + "/bench/floor/", cookies, clients, seconds))
        stop.set()
        process.join(60)
    rig.purge_queue()
    quiet_p99 = median([r["p99"] for r in quiet])
    busy_p99 = median([r["p99"] for r in busy])
    p99_ratio = ratio(busy_p99, quiet_p99)
    section.table(
        ["", "req/s", "p50 ms", "p99 ms", "errors"],
        [
            [
                name,
                f"{median([r['rps'] for r in results]):.0f}",
                ms(median([r["p50"] for r in results])),
                ms(median([r["p99"] for r in results])),
                sum(r["errors"] for r in results),
            ]
            for name, results in (("no checks", quiet), (f"{users} slow checks", busy))
        ],
    )
    section.target(
        f"p99 of other pages while {users} checks of {latency} s run ≤ 1.5× without",
        times(p99_ratio),
        p99_ratio <= 1.5,
    )
    section.notes.append(
        f"Status polls answered meanwhile: {polls.value}. The users run in a process of their "
        f"own, so that their threads do not slow the load generator's."
    )
    return section


def run(ctx, args):
    with Rig(ctx) as rig:
        sections = [(6, run_page(rig, args.ttfb_samples, args.chromium_repeats))]
        sections.append(
            (
                7,
                run_busy(
                    rig,
                    args.load_rounds,
                    args.load_seconds,
                    args.clients,
                    args.busy_users,
                    args.check_workers,
                ),
            )
        )
    return sections
