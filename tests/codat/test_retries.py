"""The Codat client's retries: the Conductor client's policy, on the same transport. Codat has
no idempotency keys either, so a create is sent again only when it provably was not processed."""

import json
import re
import socket
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from conductor_django.codat.client import CodatClient, errors

from .payloads import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    CONNECTION_ID,
    company_json,
    connection_json,
    error_json,
    page_json,
)

COMPANIES = f"{BASE_URL}/companies"
COMPANY = f"{COMPANIES}/{COMPANY_ID}"
CONNECTION = f"{COMPANY}/connections/{CONNECTION_ID}"
OUTAGE = error_json(503, "The Codat API is temporarily offline for maintenance.")
RATE_LIMITED = error_json(429, "You have made too many requests in a given amount of time.")


def create(client):
    return client.create_company(name="Technicalium", tags={"uid": "42"})


def refused_connection():
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    return requests.ConnectionError(MaxRetryError(None, COMPANIES, reason=reason))


# Reads


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_get_retried_on_transient_answers(rsps, waits, codat, status):
    rsps.get(COMPANY, status=status, json=error_json(status))
    rsps.get(COMPANY, json=company_json())

    assert codat.get_company(COMPANY_ID).id == COMPANY_ID

    assert len(rsps.calls) == 2
    assert len(waits) == 1


def test_get_retried_on_html_502_from_a_proxy(rsps, waits, codat):
    rsps.get(COMPANY, status=502, body="<html>502 Bad Gateway</html>", content_type="text/html")

    with pytest.raises(errors.InvalidResponseError):
        codat.get_company(COMPANY_ID)

    assert len(rsps.calls) == 3


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("Connection reset by peer"),
        requests.ReadTimeout("timed out"),
        requests.ConnectTimeout("connect timed out"),
    ],
    ids=["reset", "read-timeout", "connect-timeout"],
)
def test_get_retried_on_connection_errors_and_timeouts(rsps, waits, codat, failure):
    rsps.get(COMPANIES, body=failure)
    rsps.get(COMPANIES, json=page_json([company_json()]))

    assert len(codat.list_companies().results) == 1

    assert len(rsps.calls) == 2


def test_a_page_walk_retries_each_page(rsps, waits, codat):
    rsps.get(COMPANIES, json=page_json([company_json("a")], more=True))
    rsps.get(COMPANIES, status=503, json=OUTAGE)
    rsps.get(COMPANIES, json=page_json([company_json("b")], page=2))

    assert [company.id for company in codat.iter_companies()] == ["a", "b"]
    assert len(waits) == 1


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409])
def test_4xx_never_retried(rsps, waits, codat, status):
    rsps.get(COMPANY, status=status, json=error_json(status))

    with pytest.raises(errors.CodatAPIError):
        codat.get_company(COMPANY_ID)

    assert len(rsps.calls) == 1
    assert waits == []


def test_retry_after_honoured(rsps, waits, codat):
    rsps.get(COMPANY, status=429, json=RATE_LIMITED, headers={"Retry-After": "3"})
    rsps.get(COMPANY, json=company_json())

    codat.get_company(COMPANY_ID)

    assert waits == [3.0]


def test_retry_after_on_a_503_honoured(rsps, waits, codat):
    rsps.get(COMPANY, status=503, json=OUTAGE, headers={"Retry-After": "2"})
    rsps.get(COMPANY, json=company_json())

    codat.get_company(COMPANY_ID)

    assert waits == [2.0]


def test_retry_after_beyond_max_retry_wait_is_raised_at_once(rsps, waits):
    client = CodatClient(API_KEY, base_url=BASE_URL, max_retries=2, max_retry_wait=10)
    rsps.get(COMPANY, status=429, json=RATE_LIMITED, headers={"Retry-After": "60"})
    rsps.get(COMPANY, json=company_json())

    with pytest.raises(errors.RateLimitError) as caught:
        client.get_company(COMPANY_ID)

    assert caught.value.retry_after == 60.0
    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_retries_bounded_by_max_retries(rsps, waits, max_retries):
    client = CodatClient(API_KEY, base_url=BASE_URL, max_retries=max_retries, backoff=0.01)
    rsps.get(COMPANY, status=503, json=OUTAGE)

    with pytest.raises(errors.ServiceUnavailableError):
        client.get_company(COMPANY_ID)

    assert len(rsps.calls) == max_retries + 1
    assert len(waits) == max_retries


def test_backoff_grows_with_jitter(rsps, waits):
    client = CodatClient(API_KEY, base_url=BASE_URL, max_retries=3, backoff=1.0)
    rsps.get(COMPANY, status=503, json=OUTAGE)

    with pytest.raises(errors.InternalServerError):
        client.get_company(COMPANY_ID)

    # 1 s, 2 s, 4 s, each with up to 25 % jitter either way.
    assert [round(wait / 2**n) for n, wait in enumerate(waits)] == [1, 1, 1]
    assert all(0.75 * 2**n <= wait <= 1.25 * 2**n for n, wait in enumerate(waits))


def test_computed_backoff_beyond_max_retry_wait_is_not_slept(rsps, waits):
    client = CodatClient(API_KEY, base_url=BASE_URL, max_retries=5, backoff=4, max_retry_wait=10)
    rsps.get(COMPANY, status=503, json=OUTAGE)

    with pytest.raises(errors.ServiceUnavailableError):
        client.get_company(COMPANY_ID)

    # 4 s and 8 s fit; 16 s (± jitter) does not, so the third failure is raised.
    assert len(waits) == 2
    assert all(wait <= 10 for wait in waits)


# Writes: a create that may have reached Codat is never sent again.


def test_create_retried_on_429_honouring_retry_after(rsps, waits, codat):
    rsps.post(COMPANIES, status=429, json=RATE_LIMITED, headers={"Retry-After": "2"})
    rsps.post(COMPANIES, json=company_json())

    assert create(codat).id == COMPANY_ID

    assert len(rsps.calls) == 2
    assert waits == [2.0]


def test_create_rate_limited_beyond_max_retries_raises(rsps, waits, codat):
    rsps.post(COMPANIES, status=429, json=RATE_LIMITED, headers={"Retry-After": "1"})

    with pytest.raises(errors.RateLimitError):
        create(codat)

    assert len(rsps.calls) == 3
    assert waits == [1.0, 1.0]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_create_not_replayed_after_5xx(rsps, waits, codat, status):
    rsps.post(COMPANIES, status=status, json=error_json(status), headers={"Retry-After": "0"})
    rsps.post(COMPANIES, json=company_json())

    with pytest.raises(errors.InternalServerError):
        create(codat)

    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (requests.ReadTimeout("read timed out"), errors.TimeoutError),
        (requests.ConnectionError("Connection reset by peer"), errors.NetworkError),
    ],
    ids=["read-timeout", "reset"],
)
def test_create_not_replayed_when_it_may_have_arrived(rsps, waits, codat, failure, expected):
    rsps.post(COMPANIES, body=failure)
    rsps.post(COMPANIES, json=company_json())

    with pytest.raises(expected):
        create(codat)

    assert len(rsps.calls) == 1
    assert waits == []


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectTimeout("connect timed out"), refused_connection()],
    ids=["connect-timeout", "refused"],
)
def test_create_resent_when_connection_never_established(rsps, waits, codat, failure):
    rsps.post(COMPANIES, body=failure)
    rsps.post(COMPANIES, json=company_json())

    assert create(codat).id == COMPANY_ID

    assert len(rsps.calls) == 2


WRITES = {
    "unlink": (
        "PATCH",
        CONNECTION,
        lambda client: client.unlink_connection(COMPANY_ID, CONNECTION_ID),
        {"json": connection_json(status="Unlinked")},
    ),
    "delete-connection": (
        "DELETE",
        CONNECTION,
        lambda client: client.delete_connection(COMPANY_ID, CONNECTION_ID),
        {"body": ""},
    ),
    "delete-company": (
        "DELETE",
        COMPANY,
        lambda client: client.delete_company(COMPANY_ID),
        {"status": 204},
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_other_writes_not_replayed_after_5xx(rsps, waits, codat, write):
    method, url, call, success = WRITES[write]
    rsps.add(method, url, status=503, json=OUTAGE)
    rsps.add(method, url, **success)

    with pytest.raises(errors.ServiceUnavailableError):
        call(codat)

    assert len(rsps.calls) == 1


@pytest.mark.parametrize("write", WRITES)
def test_other_writes_retried_on_429(rsps, waits, codat, write):
    method, url, call, success = WRITES[write]
    rsps.add(method, url, status=429, json=RATE_LIMITED)
    rsps.add(method, url, **success)

    call(codat)

    assert [c.response.status_code for c in rsps.calls] == [429, success.get("status", 200)]


def test_a_create_to_a_closed_port_is_retried_then_fails(waits):
    """A real refused connection: requests' own exception chain proves nothing was sent."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    attempts = []

    class CountingSession(requests.Session):
        def request(self, *args, **kwargs):
            attempts.append(args[:2])
            return super().request(*args, **kwargs)

    client = CodatClient(
        API_KEY,
        base_url=f"http://127.0.0.1:{port}",
        max_retries=2,
        connect_timeout=1,
        session=CountingSession(),
    )

    with pytest.raises(errors.NetworkError):
        create(client)

    assert len(attempts) == 3
    assert len(waits) == 2


def test_retry_logged_as_one_warning(rsps, waits, codat, caplog):
    rsps.get(COMPANY, status=503, json=OUTAGE)
    rsps.get(COMPANY, json=company_json())

    codat.get_company(COMPANY_ID)

    records = [r for r in caplog.records if r.name == "conductor_django.codat.client"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert records[0].getMessage() == (
        f"Codat GET /companies/{COMPANY_ID} failed (HTTP 503); retry 1 of 2 in 0.0s"
    )


def test_one_client_retries_each_threads_calls_on_their_own(rsps, waits):
    """The retry state is per call: threads sharing a client never count each other's tries."""
    client = CodatClient(API_KEY, base_url=BASE_URL, max_retries=2, backoff=0)
    seen = Counter()
    lock = threading.Lock()

    def answer(request):
        company_id = request.path_url.rsplit("/", 1)[1]
        with lock:
            seen[company_id] += 1
            tries = seen[company_id]
        if tries <= 2:
            return 503, {}, json.dumps(OUTAGE)
        return 200, {}, json.dumps(company_json(company_id))

    rsps.add_callback("GET", re.compile(re.escape(COMPANIES) + r"/c\d+"), callback=answer)
    ids = [f"c{n}" for n in range(16)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        companies = list(pool.map(client.get_company, ids))

    assert [company.id for company in companies] == ids
    assert seen == dict.fromkeys(ids, 3)
