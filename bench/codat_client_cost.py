"""9. Codat client cost: our CodatClient vs codat-platform vs a bare requests.Session."""

import base64

import requests
from codat_platform import CodatPlatform
from codat_platform.models import shared
from codat_platform.utils.retries import RetryConfig

from conductor_django.codat.client import CodatClient
from conductor_django.codat.sandbox import control

from . import per_call
from .per_call import timed
from .report import Section

# Xero: an accounting platform enabled in the sandbox's catalog.
PLATFORM = "gbol"
# Few rows: the sandbox serializes every row of a listing before it pages, and that server time
# is noise here.
PAGE, PAGE_SIZE, LISTED_CONNECTIONS = 2, 2, 6
CALLS = (
    "get company",
    f"list connections (page {PAGE} of {-(-LISTED_CONNECTIONS // PAGE_SIZE)})",
    "create connection",
)


class Floor:
    """The same three requests with nothing around them: the least any client can cost."""

    name = "requests.Session (floor)"

    def __init__(self, ctx):
        self.api = ctx.codat_api
        self.session = requests.Session()
        token = base64.b64encode(ctx.codat_key.encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}

    def _json(self, response):
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url}: HTTP {response.status_code}")
        return response.json()

    def get_company(self, company_id):
        response = self.session.get(f"{self.api}/companies/{company_id}", headers=self.headers)
        return self._json(response)["id"]

    def list_connections(self, company_id):
        response = self.session.get(
            f"{self.api}/companies/{company_id}/connections",
            params={"page": PAGE, "pageSize": PAGE_SIZE},
            headers=self.headers,
        )
        return [connection["id"] for connection in self._json(response)["results"]]

    def create_connection(self, company_id):
        response = self.session.post(
            f"{self.api}/companies/{company_id}/connections",
            json={"platformKey": PLATFORM},
            headers=self.headers,
        )
        return self._json(response)["linkUrl"]


class Ours:
    name = "conductor-django CodatClient"

    def __init__(self, ctx):
        self.client = CodatClient(ctx.codat_key, base_url=ctx.codat_api, max_retries=0)

    def get_company(self, company_id):
        return self.client.get_company(company_id).id

    def list_connections(self, company_id):
        page = self.client.list_connections(company_id, page=PAGE, page_size=PAGE_SIZE)
        return [connection.id for connection in page.results]

    def create_connection(self, company_id):
        return self.client.create_connection(company_id, platform_key=PLATFORM).link_url


class Sdk:
    name = "codat-platform (official SDK)"

    def __init__(self, ctx):
        token = base64.b64encode(ctx.codat_key.encode()).decode()
        # As a host would set it up, but without retries: the SDK's default retries for up to an
        # hour, and ours is measured with max_retries=0.
        self.client = CodatPlatform(
            security=shared.Security(auth_header=f"Basic {token}"),
            server_url=ctx.codat_api,
            retry_config=RetryConfig("none"),
        )

    def get_company(self, company_id):
        return self.client.companies.get(request={"company_id": company_id}).id

    def list_connections(self, company_id):
        page = self.client.connections.list(
            request={"company_id": company_id, "page": PAGE, "page_size": PAGE_SIZE}
        )
        return [connection.id for connection in page.results]

    def create_connection(self, company_id):
        return self.client.connections.create(
            request={"company_id": company_id, "request_body": {"platform_key": PLATFORM}}
        ).link_url


def _companies(count):
    """The fixtures, made directly in the sandbox: a Linked company to read, one with
    ``LISTED_CONNECTIONS`` pending connections to page through, and ``count`` empty companies,
    one per sequence, so every create lands on the same server state."""
    read = control.create_company("Bench Read Ltd")
    linked = control.create_connection(read["id"], PLATFORM)
    control.complete_link(linked["id"])
    listed = control.create_company("Bench List Ltd")
    for _ in range(LISTED_CONNECTIONS):
        control.create_connection(listed["id"], PLATFORM)
    fresh = [control.create_company(f"Bench {n} Ltd")["id"] for n in range(1, count + 1)]
    return read["id"], listed["id"], fresh


def _check(clients, read_id, listed_id):
    """Every client sees the same data before any is timed."""
    expected = None
    for client in clients:
        seen = (client.get_company(read_id), client.list_connections(listed_id))
        if len(seen[1]) != PAGE_SIZE or (expected is not None and seen != expected):
            raise RuntimeError(f"{client.name} read {seen!r}, expected {expected!r}")
        expected = seen


def run(ctx, sequences, block=10):
    clients = [Floor(ctx), Ours(ctx), Sdk(ctx)]
    read_id, listed_id, fresh = _companies(per_call.sequence_count(clients, sequences, block))
    _check(clients, read_id, listed_id)

    def sequence(client, number):
        return timed(
            lambda: client.get_company(read_id),
            lambda: client.list_connections(listed_id),
            lambda: client.create_connection(fresh[number - 1]),
        )

    samples = per_call.sample(clients, sequence, sequences, block)
    floor, ours, sdk = (client.name for client in clients)
    section = Section(
        "Codat client cost",
        f"The sequence get company (one Linked connection) → list connections (page {PAGE} of "
        f"{LISTED_CONNECTIONS} pending ones, {PAGE_SIZE} a page) → create connection (Xero, on a "
        f"company of its own), {len(samples[ours])} times per client, in round-robin blocks of "
        f"{block}, against the Codat sandbox on the benchmark server; retries off on both "
        'libraries (`max_retries=0`, `RetryConfig("none")`), the SDK on its default HTTP '
        "stack. Each client parses the answers into what a caller uses (the floor: `.json()` "
        "and a key). Wall time per call as the caller sees it (server time included, identical "
        "for all three), and the client process's CPU time per sequence, which is the client's "
        "own cost without the server's.",
    )
    per_call.report(section, CALLS, samples, floor, ours, sdk)
    section.notes.append(
        "codat-platform sends through urllib3 directly, without requests' layer (preparing, "
        "merging session settings, cookies, hooks), which both the floor and ours pay on "
        "every call: its client CPU can be below the floor's. Ours reads the proxy "
        "environment once per client instead of on every request (as a bare "
        "`requests.Session` does), which is what puts its CPU below the floor's."
    )
    return section
