"""2. The settings page with a cached status vs a bare page of the same size (the floor)."""

from importlib.util import find_spec

import requests
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conductor_django.connection import check
from conductor_django.sandbox import control

from . import load
from . import pages as pages_load
from .report import Section
from .stats import times
from .users import connected_user, session_cookies

HEALTH_CHECK = "/quickbooks-desktop/health-check"


def _queries(client, path):
    client.get(path)  # warm this process's cache and lazy imports
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return len(captured), [query["sql"] for query in captured]


def run(ctx, rounds_count, seconds, clients):
    user, end_user_id = connected_user("bench-settings")
    # "A cached status": recorded by a check made before the run (the page never waits on one).
    check(user)
    cookies = session_cookies(user)
    pages = {"settings view": "/quickbooks/", "floor view": "/bench/floor/"}
    sizes = {}
    for name, path in pages.items():
        response = requests.get(ctx.url + path, cookies=cookies, allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}, expected 200")
        sizes[name] = len(response.content)
    if (
        'data-conductor-outcome="connected"'
        not in requests.get(ctx.url + pages["settings view"], cookies=cookies).text
    ):
        raise RuntimeError("The settings page does not show the user as connected.")
    checks_before = control.request_count("GET", HEALTH_CHECK, end_user_id)

    results = pages_load.load_rounds(ctx.url, pages, cookies, rounds_count, seconds, clients)
    checks_during = control.request_count("GET", HEALTH_CHECK, end_user_id) - checks_before

    client = Client()
    client.force_login(user)
    queries = {name: _queries(client, path) for name, path in pages.items()}
    tags_available = find_spec("conductor_django.templatetags.conductor") is not None
    if tags_available:
        queries["tags page, each tag once"] = _queries(client, "/bench/tags/?n=1")
        queries["tags page, each tag 10 times"] = _queries(client, "/bench/tags/?n=10")

    section = Section(
        "Settings page",
        f"`GET /quickbooks/` for a connected user whose status is cached, against a floor view "
        f"with the same decorators (`never_cache`, `login_required`, `require_safe`), the same "
        f"base template and the same markup but no app code, behind the same middleware. "
        f"Load: {load.generator()} with {clients} concurrent keep-alive clients, "
        f"{rounds_count} rounds of {seconds} s per page, pages alternating. Time per request is "
        f"1 / throughput (the server's cost of one request at saturation; one process, so one "
        f"core's worth of Python); latency percentiles are per round, medians over rounds. "
        f"Queries are counted in-process with `CaptureQueriesContext` on a warm request.",
    )
    pages_load.table(
        section, results, sizes, {name: count for name, (count, _sql) in queries.items()}
    )
    section.table(
        ["Page", "SQL queries per request", "beyond the floor"],
        [
            [name, count, count - queries["floor view"][0]]
            for name, (count, _sql) in queries.items()
        ],
    )
    settings_ratio = pages_load.ratio_to_floor(results, "settings view")
    section.target("≤ 1.3× the floor", times(settings_ratio), settings_ratio <= 1.3)
    settings_queries = queries["settings view"][0]
    section.target("≤ 3 SQL queries", str(settings_queries), settings_queries <= 3)
    if tags_available:
        once, tenfold = (queries[k][0] for k in list(queries)[2:4])
        section.target(
            "template tags add no query per tag", f"{once} vs {tenfold} queries", once == tenfold
        )
    else:
        section.notes.append("`conductor_django.templatetags.conductor` is absent: tags skipped.")
    section.notes.append(
        f"Health checks sent upstream during the load: {checks_during} (the status stayed cached)."
    )
    section.notes.append(
        "Settings view SQL: " + "; ".join(f"`{sql[:90]}`" for sql in queries["settings view"][1])
    )
    return section
