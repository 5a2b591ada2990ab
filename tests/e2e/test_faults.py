"""Conductor misbehaving over real sockets (the sandbox's injected faults): the user always gets a
friendly page, never a 500, and the app recovers once Conductor does."""

import pytest

from conductor_django.sandbox import control
from example_project.accounts.models import User
from tests.tasks.support import wait_for

from .journey import only_end_user, settle

pytestmark = pytest.mark.live

HEALTH_CHECK = "/quickbooks-desktop/health-check"
UNREACHABLE = "We could not reach QuickBooks right now."


@pytest.fixture
def connected(app, visitor):
    """A signed-up user whose QuickBooks Desktop connection works; returns the end-user id."""
    visitor.sign_up("gus", "Gus's Garage")
    end_user_id = only_end_user()["id"]
    control.set_scenario(end_user_id, "connected")
    assert "Connected" in visitor.page(visitor.get("/quickbooks/", refresh="1")).text
    yield end_user_id
    control.clear_faults()


def assert_friendly_then_recovers(visitor):
    # Retries may outlast the page's inline wait: it shows "checking", then the answer.
    response = settle(visitor, visitor.get("/quickbooks/", refresh="1"))
    assert response.status_code == 200, response.text[:500]
    page = visitor.page(response)
    assert 'data-conductor-outcome="unavailable"' in response.text
    assert UNREACHABLE in page.text
    assert "An internal server error occurred" not in page.text
    assert "Traceback" not in response.text

    control.clear_faults()
    again = visitor.page(settle(visitor, visitor.get(page.link("conductor-retry"))))
    assert "Connected" in again.text


@pytest.mark.parametrize(
    "kind", ["http_500", "http_502", "http_503", "html_502", "rate_limit", "drop"]
)
def test_every_api_fault_ends_in_a_friendly_page(connected, visitor, kind):
    control.set_faults(fault_rate=1, fault_kinds=[kind], retry_after_seconds=1)

    assert_friendly_then_recovers(visitor)
    assert control.request_count("GET", HEALTH_CHECK, end_user_id=connected) >= 2


def test_html_502_gets_the_neutral_page(connected, visitor):
    control.set_faults(fault_rate=1, fault_kinds=["html_502"])
    page = visitor.page(settle(visitor, visitor.get("/quickbooks/", refresh="1")))
    assert UNREACHABLE in page.text
    assert "nginx" not in page.text


def test_health_check_slower_than_its_timeout(connected, visitor, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "HEALTH_CHECK_TIMEOUT": 0.5}
    control.fail_next(1, "delay", method="GET", path=HEALTH_CHECK, delay_ms=1500)

    assert_friendly_then_recovers(visitor)


def test_slow_scenario_beyond_the_timeout(connected, visitor, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "HEALTH_CHECK_TIMEOUT": 0.5}
    control.set_scenario(connected, "slow", delay_seconds=1.5)
    response = settle(visitor, visitor.get("/quickbooks/", refresh="1"))
    assert response.status_code == 200
    assert UNREACHABLE in visitor.page(response).text


@pytest.mark.parametrize(
    "kind, delay_ms",
    [("http_503", 0), ("drop_after", 0), ("complete_late", 1500)],
    ids=["http_503", "drop_after", "complete_late"],
)
def test_sign_up_survives_a_failed_end_user_create(app, visitor, settings, kind, delay_ms):
    # complete_late: Conductor holds the create past the client's read timeout, then does it.
    settings.CONDUCTOR = {**settings.CONDUCTOR, "READ_TIMEOUT": 0.5, "CREATE_GRACE_SECONDS": 2.5}
    control.fail_next(1, kind, method="POST", path="/end-users", delay_ms=delay_ms)

    response = visitor.sign_up("hal", "Hal's Hardware")
    assert response.status_code == 302
    assert "Welcome, hal" in visitor.page(visitor.follow(response)).text
    hal = User.objects.get(username="hal")
    assert hal.conductor_end_user_id is None

    # The create may still complete at Conductor: "setting up", and nothing more is sent.
    setting_up = visitor.get("/quickbooks/")
    assert setting_up.status_code == 200
    assert 'data-conductor-outcome="setting_up"' in setting_up.text
    wait_for(lambda: _hold_over(hal), timeout=10, what="the grace period to pass")
    assert control.request_count("POST", "/end-users") == 1

    # "Check again" then finds the end-user Conductor created (or creates it): exactly one.
    again = visitor.page(setting_up)
    response = visitor.get(again.link("conductor-retry"))
    assert response.status_code == 302, response.text[:500]
    end_user = only_end_user()
    assert end_user["sourceId"] == str(hal.pk)
    hal.refresh_from_db()
    assert hal.conductor_end_user_id == end_user["id"]
    assert control.request_count("POST", "/end-users") == (2 if kind == "http_503" else 1)


def _hold_over(owner):
    from conductor_django.provisioning import next_attempt_at

    return next_attempt_at(owner) is None
