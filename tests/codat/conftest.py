import pytest
import responses

from conductor_django import transport
from conductor_django.codat.client import CodatClient

from .payloads import API_KEY, BASE_URL


@pytest.fixture
def rsps():
    """Codat's host stubbed with `responses`; any unregistered call fails the request."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def waits(monkeypatch):
    """The transport's back-off waits, recorded instead of slept."""
    recorded = []
    monkeypatch.setattr(transport.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def codat():
    return CodatClient(API_KEY, base_url=BASE_URL, max_retries=2, backoff=0.001)


@pytest.fixture
def once():
    return CodatClient(API_KEY, base_url=BASE_URL, max_retries=0)
