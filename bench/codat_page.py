"""8. The Codat connections page with its status and branding cached vs a bare page of the same
markup (the floor), and the Codat calls a warm page makes (the Codat sandbox's request log)."""

import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conductor_django.codat.sandbox import control

from . import load
from . import pages as pages_load
from .report import Section
from .stats import times
from .users import new_user, session_cookies

PAGE = "/codat/"
FLOOR = "/bench/codat-floor/"
FLOOR_READ = "/bench/codat-floor-read/"


def linked_user(username):
    """A user whose Codat company has a Linked Xero connection with its first sync done."""
    user = new_user(username)
    tag = f"{user._meta.label_lower}:{user.pk}"
    company = control.create_company(f"{username} Ltd", tags={"ownerId": tag})
    get_user_model().objects.filter(pk=user.pk).update(codat_company_id=company["id"])
    created = control.create_connection(company["id"], "gbol")
    control.complete_link(created["id"], "link")
    control.advance_sync(created["id"])
    control.advance_sync(created["id"])
    return user


def _queries(client, path):
    # Warm this process's cache (a refresh, then the recorded rows) and lazy imports.
    client.get(path)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return len(captured)


def run(ctx, rounds_count, seconds, clients):
    control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    user = linked_user("bench-codat")
    cookies = session_cookies(user)
    pages = {
        "connections page": PAGE,
        "floor view": FLOOR,
        "floor view + its cache read": FLOOR_READ,
    }
    sizes = {}
    # The first request fills the server's cache (the connections, the integrations and their
    # branding); every later one within CODAT["STATUS_CACHE_TTL"] is "warm".
    for name, path in pages.items():
        response = requests.get(ctx.url + path, cookies=cookies, allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}, expected 200")
        sizes[name] = len(response.content)
    warm = requests.get(ctx.url + PAGE, cookies=cookies).text
    if 'data-status="Linked"' not in warm or "conductor-codat-logo" not in warm:
        raise RuntimeError("The connections page does not show the Linked Xero with its logo.")
    calls_before = control.request_count()

    results = pages_load.load_rounds(ctx.url, pages, cookies, rounds_count, seconds, clients)
    calls_during = control.request_count() - calls_before

    client = Client()
    client.force_login(user)
    queries = {name: _queries(client, path) for name, path in pages.items()}

    section = Section(
        "Codat connections page",
        f"`GET {PAGE}` for a user with a Linked Xero connection whose status (connections and "
        f"first sync) and platform branding are cached (`CODAT['STATUS_CACHE_TTL']`, "
        f"`BRANDING_CACHE_TTL`), against a floor view with the same decorators, the same base "
        f"template and the same markup but no app code, behind the same middleware. Codat is "
        f"the Codat sandbox on the same server; the calls it receives during the load are "
        f"counted from its request log. Load: {load.generator()} with {clients} concurrent "
        f"keep-alive clients, {rounds_count} rounds of {seconds} s per page, pages alternating. "
        f"Time per request is 1 / throughput; medians over rounds. The third page is the floor "
        f"plus the page's one cache read (`get_many` of the refresh marker, the rows' snapshot "
        f"and the platforms): the least a page showing what other processes recorded does.",
    )
    pages_load.table(section, results, sizes, queries)
    page_ratio = pages_load.ratio_to_floor(results, "connections page")
    section.target("Codat page ≤ 1.3× the floor", times(page_ratio), page_ratio <= 1.3)
    section.target("no Codat call on a warm Codat page", f"{calls_during} calls", calls_during == 0)
    requests_served = sum(r.get("requests", 0) for r in results["connections page"])
    if requests_served:
        section.notes.append(f"Connections page requests served under load: {requests_served:,}.")
    return section
