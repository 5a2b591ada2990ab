import pytest
import responses

from conductor_django.client import ConductorClient
from conductor_django.client import http as client_http
from conductor_django.provisioning import provisioning_disabled

from .helpers import BASE_URL, SECRET_KEY


@pytest.fixture
def rsps():
    """Conductor's host stubbed with `responses`; any unregistered call fails the request."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def waits(monkeypatch):
    """The client's back-off waits, recorded instead of slept."""
    recorded = []
    monkeypatch.setattr(client_http.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def conductor():
    return ConductorClient(SECRET_KEY, base_url=BASE_URL, max_retries=2, backoff=0.001)


@pytest.fixture
def unprovisioned_user(django_user_model):
    """A user whose row exists but who has no Conductor end-user yet."""
    with provisioning_disabled():
        return django_user_model.objects.create_user(
            "bob", "bob@example.com", "pw", company_name="Bob's Bikes"
        )
