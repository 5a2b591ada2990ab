"""Codat's fixed facts, in one place: the integration list, error texts, the Link outcomes and the
redirect placeholders, data types and the webhook retry schedule.

The sandbox, ``FakeCodat`` and the tests all read this catalog, so they answer with the same
words. Where Codat documents a text it is quoted (OpenAPI spec ``Codat-Platform.json`` 3.0.0,
docs ``auth-flow/customize/set-up-redirects``, ``using-the-api/webhooks/troubleshooting``);
where it does not, the text is ours and marked *assumed*.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

ACCOUNTING = "Accounting"
BANKING = "Banking"
COMMERCE = "Commerce"
SOURCE_TYPES = (ACCOUNTING, BANKING, "BankFeed", COMMERCE, "Expense", "Other", "Unknown")

# Connection statuses, spelled as in the spec's dataConnectionStatus enum.
PENDING_AUTH = "PendingAuth"
LINKED = "Linked"
UNLINKED = "Unlinked"
DEAUTHORIZED = "Deauthorized"
CONNECTION_STATUSES = (PENDING_AUTH, LINKED, UNLINKED, DEAUTHORIZED)

# Stable identifiers: uuid5 of the platform key, so every process and the fake agree.
_NAMESPACE = uuid.UUID("5b3c6a52-8d9e-4d3f-9a59-3f2d7c0a1e11")


def _guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


@dataclass(frozen=True)
class Integration:
    """One entry of ``GET /integrations``, plus what the sandbox needs to draw its branding."""

    key: str
    name: str
    source_type: str
    colour: str
    enabled: bool = True
    is_offline_connector: bool = False
    is_beta: bool = False
    # Intuit requires its own "Connect to QuickBooks" button, with a hover state.
    branded_button: bool = False
    data_provided_by: str = ""
    integration_id: str = field(default="")
    source_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.integration_id:
            object.__setattr__(self, "integration_id", _guid("integration", self.key))
        if not self.source_id:
            object.__setattr__(self, "source_id", _guid("source", self.key))

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("(", " ").split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper()


# gbol, qhyg, pqsw, mqjo and akxx are Codat's documented keys; the others are illustrative (the
# real list is per client, so code must read it rather than hard-code keys).
INTEGRATIONS: tuple[Integration, ...] = (
    Integration(
        "gbol",
        "Xero",
        ACCOUNTING,
        "#13B5EA",
        # The ids Codat's own guide (seed 002) shows for Xero.
        integration_id="0f20c943-12d0-4800-9f6c-d218f62d494c",
        source_id="8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
    ),
    Integration("qhyg", "QuickBooks Online", ACCOUNTING, "#2CA01C", branded_button=True),
    Integration(
        "pqsw",
        "QuickBooks Desktop",
        ACCOUNTING,
        "#2CA01C",
        is_offline_connector=True,
        branded_button=True,
    ),
    Integration("mqjo", "Sandbox", ACCOUNTING, "#5A3FD9", data_provided_by="Codat"),
    Integration("akxx", "Oracle NetSuite", ACCOUNTING, "#1A3C5E"),
    Integration("tgff", "Sage Business Cloud Accounting", ACCOUNTING, "#00D639"),
    Integration("knfz", "Sage Intacct", ACCOUNTING, "#00B03C"),
    Integration("jfyh", "FreeAgent", ACCOUNTING, "#0E9B8A", enabled=False),
    Integration("pdvj", "MYOB Business", ACCOUNTING, "#6100A5", is_beta=True),
    Integration("dfxm", "Basiq", BANKING, "#2B2D42", data_provided_by="Basiq"),
    Integration("vjms", "Plaid", BANKING, "#111111", data_provided_by="Plaid"),
    Integration("ugxp", "Square", COMMERCE, "#3E4348"),
    Integration("nbor", "Shopify", COMMERCE, "#95BF47"),
)
_BY_KEY = {i.key: i for i in INTEGRATIONS}


def integration(key: str) -> Integration | None:
    return _BY_KEY.get(key)


# What each source type syncs, for ``GET /companies/{id}/dataStatus`` (a sample of Codat's types).
DATA_TYPES: Mapping[str, tuple[str, ...]] = {
    ACCOUNTING: (
        "company",
        "chartOfAccounts",
        "customers",
        "suppliers",
        "invoices",
        "bills",
        "balanceSheet",
        "profitAndLoss",
    ),
    BANKING: ("banking-accounts", "banking-accountBalances", "banking-transactions"),
    COMMERCE: (
        "commerce-companyInfo",
        "commerce-customers",
        "commerce-orders",
        "commerce-products",
    ),
}

# Data status values the sandbox moves through (``currentStatus``).
QUEUED = "Queued"
FETCHING = "Fetching"
COMPLETE = "Complete"
FETCH_ERROR = "FetchError"
AUTH_ERROR = "AuthError"
SYNC_OUTCOMES = (COMPLETE, FETCH_ERROR, AUTH_ERROR)

# Error bodies: ``service`` as in the spec's examples.
SERVICE = "PublicApi"
CLIENTS_SERVICE = "ClientsApi"
CAN_BE_RETRIED = "Unknown"

UNAUTHORIZED = "Unauthorized"
BAD_REQUEST = "Error processing request - not valid."
MALFORMED_QUERY = "Error parsing query - Malformed query."
TOO_MANY_REQUESTS = "You have made too many requests in a given amount of time; please retry later."
INTERNAL_ERROR = "There is a problem with our server. Please try again later."
SERVICE_UNAVAILABLE = (
    "The Codat API is temporarily offline for maintenance. Please try again later."
)
PLAN_LIMIT = (
    "You have exceeded the 50-company limit that applies to a Free plan. We recommend that you "
    "delete any companies you no longer need and retry the request."
)
BAD_GATEWAY = "Bad gateway."  # assumed: the spec documents no 502
NOT_FOUND = "Not found."  # assumed: an unknown route
# Assumed: Codat documents the rule (one accounting connection per company; only Linked can be
# unlinked) but not the answer. 400 like its other state conflicts ("a read is in progress").
ONE_ACCOUNTING_CONNECTION = (
    "A company can only have one accounting data connection: {platform} connection {id} is "
    "{status}. Delete it, or create a new company to switch accounting software."
)
ONLY_LINKED_CAN_BE_UNLINKED = "Only Linked data connections can be unlinked; this one is {status}."
ONLY_UNLINKED_STATUS = "The status can only be set to Unlinked."
INTEGRATION_DISABLED = "Integration {key} is not enabled for this client."

# The error answers the sandbox's faults and FakeCodat's outages give, by HTTP status.
OUTAGES: Mapping[int, str] = {
    402: PLAN_LIMIT,
    429: TOO_MANY_REQUESTS,
    500: INTERNAL_ERROR,
    502: BAD_GATEWAY,
    503: SERVICE_UNAVAILABLE,
}

# What a load balancer in front of an API answers when the API behind it is down: not JSON.
PROXY_502_HTML = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
</body>
</html>
"""


def company_not_found(company_id: str) -> str:
    return f"No company was found with ID {company_id}"


def connection_not_found(connection_id: str) -> str:
    return f"Data connection {connection_id} not found"


def integration_not_found(key: str) -> str:
    return f"No integration was found with platform key {key}"  # assumed wording


def unresolved_property(name: str, resource: str) -> str:
    return f"Error parsing query - Could not resolve property {name} on {resource}"


@dataclass(frozen=True)
class LinkOutcome:
    """What the tester picks on the Link page, and what Codat's redirect reports for it."""

    name: str
    status_code: int
    error_message: str  # the redirect's ``{errorMessage}``: Codat's fixed text per code
    status_text: str  # the redirect's ``{statusText}``: the integration's own words
    # The connection's new dataConnectionErrors entry (None: no entry): statusText, errorMessage.
    connection_error: tuple[str, str] | None = None


LINK = "link"
ALREADY_LINKED = "already_linked"
CANCEL = "cancel"
ERROR = "error"
NOT_SUPPORTED = "not_supported"
LINK_OUTCOMES: Mapping[str, LinkOutcome] = {
    LINK: LinkOutcome(LINK, 200, "", ""),
    ALREADY_LINKED: LinkOutcome(ALREADY_LINKED, 201, "", ""),
    # The connection.failed example in the spec is a cancellation, with these texts.
    CANCEL: LinkOutcome(
        CANCEL,
        403,
        "User cancelled.",
        "User cancelled linking",
        ("User cancelled linking", "User cancelled"),
    ),
    ERROR: LinkOutcome(
        ERROR,
        500,
        "Unknown error occurred.",
        "The platform could not complete the authorization.",
        ("The platform could not complete the authorization.", "Unknown error occurred"),
    ),
    NOT_SUPPORTED: LinkOutcome(NOT_SUPPORTED, 501, "Not supported.", "Not supported"),
}
# Linking a second accounting platform: Link fails like any error (assumed: Link prevents it).
SECOND_ACCOUNTING_TEXT = "The company already has an accounting connection."
# A revoke on the platform's side, as in the spec's connection.disconnected example.
DEAUTHORIZED_TEXT = "The integration de-authorized access to the connection."

RESERVED_PLACEHOLDERS = (
    "clientId",
    "companyId",
    "connectionId",
    "integrationId",
    "sourceId",
    "platform",
    "platformName",
    "sourceType",
    "statusCode",
    "errorMessage",
    "statusText",
    "data.company.companyName",
)


def fill_redirect(template: str, reserved: Mapping[str, str], params: Mapping[str, str]) -> str:
    """Codat's redirect: each ``{name}`` becomes the reserved value of that name, else the
    same-named query parameter of the Link URL, else ``""``; values are URL-encoded. Names are
    case-sensitive; an unclosed brace stays as it is."""
    out: list[str] = []
    rest = template
    while (start := rest.find("{")) != -1 and (end := rest.find("}", start)) != -1:
        name = rest[start + 1 : end]
        if "{" in name:  # "{{x}": the first brace is text
            out.append(rest[: start + 1])
            rest = rest[start + 1 :]
            continue
        value = reserved[name] if name in reserved else params.get(name, "")
        out.append(rest[:start] + quote(str(value), safe=""))
        rest = rest[end + 1 :]
    return "".join(out) + rest


# Webhooks: Codat's retry schedule (seconds after each failed attempt; 8 attempts over ~28 h).
WEBHOOK_RETRY_SCHEDULE: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
WEBHOOK_TIMEOUT_SECONDS = 15.0
COMPANY_CREATED = "company.created"
COMPANY_DELETED = "company.deleted"
CONNECTION_CREATED = "connection.created"
CONNECTION_CONNECTED = "connection.connected"
CONNECTION_DISCONNECTED = "connection.disconnected"
CONNECTION_RECONNECTED = "connection.reconnected"
CONNECTION_FAILED = "connection.failed"
CONNECTION_DELETED = "connection.deleted"
READ_COMPLETED = "read.completed"
READ_COMPLETED_INITIAL = "read.completed.initial"
EVENT_TYPES = (
    COMPANY_CREATED,
    COMPANY_DELETED,
    CONNECTION_CREATED,
    CONNECTION_CONNECTED,
    CONNECTION_DISCONNECTED,
    CONNECTION_RECONNECTED,
    CONNECTION_FAILED,
    CONNECTION_DELETED,
    READ_COMPLETED,
    READ_COMPLETED_INITIAL,
)
