"""The settings page and the callback never wait on Conductor: with a task worker they show
"checking" at once and the page follows the check through the status endpoint; on the immediate
backend they wait at most INLINE_CHECK_WAIT, then do the same."""

from datetime import timedelta
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from conductor_django import state
from conductor_django.client.catalog import PERMISSION_DENIED_USER_MESSAGE
from conductor_django.core.tasks_compat import task_backends
from conductor_django.models import ConnectionStatus
from conductor_django.tasks import check_connection
from tests.counting_cache import READS

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/quickbooks/"
STATUS_URL = "/quickbooks/status/"
HEALTH_CHECK = "/quickbooks-desktop/health-check"
Status = ConnectionStatus.Status


def outcome_of(response):
    return response.content.decode().split('data-conductor-outcome="', 1)[1].split('"', 1)[0]


def attribute(response, name):
    return response.content.decode().split(f'{name}="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def worker(settings):
    """A task backend with a worker somewhere (none runs here): tasks are queued, not run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.results.clear()
    return backend


def run_queued(worker):
    """What the worker does with the queued checks."""
    for result in worker.results:
        check_connection.call(*result.args)
    worker.results.clear()


def poll(client, response):
    return client.get(attribute(response, "data-conductor-status-url")).json()


def test_with_a_worker_the_page_answers_checking_without_calling_conductor(
    logged_in, user, fake_conductor, worker
):
    fake_conductor.set_scenario(user, "connected")

    response = logged_in.get(SETTINGS_URL)

    assert response.status_code == 200
    assert outcome_of(response) == "checking"
    content = response.content.decode()
    assert "Checking your QuickBooks Desktop connection…" in content
    assert 'aria-live="polite"' in content
    assert "conductor_django/status.js" in content
    assert fake_conductor.count("GET", HEALTH_CHECK) == 0
    ((label, pk),) = [tuple(result.args) for result in worker.results]
    assert (label, pk) == (user._meta.label, user.pk)


def test_the_page_follows_the_check_to_connected(logged_in, user, fake_conductor, worker):
    fake_conductor.set_scenario(user, "connected")
    page = logged_in.get(SETTINGS_URL)
    assert poll(logged_in, page) == {
        "state": "checking",
        "final": False,
        "connect": False,
        "checkedAt": None,
    }

    run_queued(worker)

    body = poll(logged_in, page)
    assert (body["state"], body["final"], body["connect"]) == ("connected", True, False)
    assert body["checkedAt"]
    shown = logged_in.get(attribute(page, "data-conductor-page-url"))
    assert outcome_of(shown) == "connected"
    assert "Checked just now." in shown.content.decode()
    assert fake_conductor.count("GET", HEALTH_CHECK) == 1


def test_polls_never_call_conductor_nor_ask_again(logged_in, user, fake_conductor, worker):
    page = logged_in.get(SETTINGS_URL)
    for _ in range(5):
        assert poll(logged_in, page)["state"] == "checking"
    # Other tabs open meanwhile: the check in flight serves them all.
    for _ in range(3):
        assert outcome_of(logged_in.get(SETTINGS_URL)) == "checking"

    assert len(worker.results) == 1
    assert fake_conductor.count("GET", HEALTH_CHECK) == 0


def test_not_set_up_goes_on_to_a_fresh_hosted_flow(logged_in, user, fake_conductor, worker):
    page = logged_in.get(SETTINGS_URL)
    run_queued(worker)

    status = logged_in.get(attribute(page, "data-conductor-status-url"))
    assert status.json()["connect"] is True
    # The bearer link is only ever the page's redirect, never in the JSON the script reads.
    assert "auth" not in status.content.decode().lower().replace("checkedat", "")
    response = logged_in.get(attribute(page, "data-conductor-page-url"))

    assert response.status_code == 302
    (session,) = fake_conductor.auth_sessions
    assert response["Location"] == session["authFlowUrl"]
    (token,) = parse_qs(urlsplit(session["redirectUrl"]).query)["state"]
    assert [p["state"] for p in logged_in.session[state.SESSION_KEY]] == [token]


def test_an_error_shows_conductors_message_and_a_way_to_check_again(
    logged_in, user, fake_conductor, worker
):
    fake_conductor.set_scenario(user, "permission_denied")
    page = logged_in.get(SETTINGS_URL)
    run_queued(worker)

    assert poll(logged_in, page)["state"] == "error"
    shown = logged_in.get(attribute(page, "data-conductor-page-url"))
    assert outcome_of(shown) == "error"
    content = shown.content.decode()
    assert escape(PERMISSION_DENIED_USER_MESSAGE) in content
    assert f'href="{SETTINGS_URL}?refresh=1"' in content


def test_a_conductor_outage_during_the_check_is_the_neutral_page(
    logged_in, user, fake_conductor, worker, caplog
):
    page = logged_in.get(SETTINGS_URL)
    fake_conductor.outage(503)
    run_queued(worker)

    assert poll(logged_in, page)["state"] == "unavailable"
    shown = logged_in.get(attribute(page, "data-conductor-page-url"))
    assert outcome_of(shown) == "unavailable"
    assert "We could not reach QuickBooks right now." in shown.content.decode()
    (record,) = [r for r in caplog.records if r.name == "conductor_django.checking"]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert f"accounts.User {user.pk}" in record.getMessage()


def test_a_check_that_never_finishes_ends_unavailable_with_a_retry(
    logged_in, user, fake_conductor, worker
):
    page = logged_in.get(SETTINGS_URL)
    # The worker never got to it, and its time is up: the marker of the check expired.
    cache.clear()

    assert poll(logged_in, page) == {
        "state": "unavailable",
        "final": True,
        "connect": False,
        "checkedAt": None,
    }
    shown = logged_in.get(attribute(page, "data-conductor-page-url"))
    assert outcome_of(shown) == "unavailable"
    assert f'href="{SETTINGS_URL}?refresh=1"' in shown.content.decode()
    # Trying again asks for a new check.
    assert outcome_of(logged_in.get(f"{SETTINGS_URL}?refresh=1")) == "checking"
    assert len(worker.results) == 2


def test_without_javascript_the_checking_page_reloads_itself_and_links_on(
    logged_in, user, fake_conductor, worker
):
    fake_conductor.set_scenario(user, "connected")
    page = logged_in.get(SETTINGS_URL)
    content = page.content.decode()
    page_url = attribute(page, "data-conductor-page-url")

    assert f'<noscript><meta http-equiv="refresh" content="3;url={escape(page_url)}">' in content
    assert f'class="conductor-refresh" href="{escape(page_url)}"' in content
    run_queued(worker)
    assert outcome_of(logged_in.get(page_url)) == "connected"


def test_a_recent_status_is_shown_at_once_without_a_check(logged_in, user, fake_conductor, worker):
    fake_conductor.set_scenario(user, "connected")
    logged_in.get(SETTINGS_URL)
    run_queued(worker)

    response = logged_in.get(SETTINGS_URL)

    assert outcome_of(response) == "connected"
    assert worker.results == []


def test_the_last_known_status_is_shown_while_checking(logged_in, user, fake_conductor, worker):
    fake_conductor.set_scenario(user, "connected")
    logged_in.get(SETTINGS_URL)
    run_queued(worker)

    response = logged_in.get(f"{SETTINGS_URL}?refresh=1")

    assert outcome_of(response) == "checking"
    assert "It was connected when last checked" in response.content.decode()


def test_an_answer_too_old_to_show_is_the_last_known_status_without_a_query(
    logged_in, user, fake_conductor, worker, monkeypatch, django_assert_num_queries
):
    fake_conductor.set_scenario(user, "connected")
    logged_in.get(SETTINGS_URL)
    run_queued(worker)
    two_hours_on = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: two_hours_on)

    with django_assert_num_queries(2):  # the session and the user, as on any page
        response = logged_in.get(SETTINGS_URL)

    assert outcome_of(response) == "checking"
    assert "It was connected when last checked" in response.content.decode()
    assert len(worker.results) == 1


def test_without_a_status_cache_the_last_known_status_is_the_recorded_one(
    logged_in, user, fake_conductor, worker, settings
):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "STATUS_CACHE_TTL": 0}
    fake_conductor.set_scenario(user, "connected")
    logged_in.get(SETTINGS_URL)
    run_queued(worker)

    response = logged_in.get(SETTINGS_URL)

    assert outcome_of(response) == "checking"
    assert "It was connected when last checked" in response.content.decode()


def test_the_status_endpoint_needs_the_pages_signed_token(
    client, logged_in, user, fake_conductor, worker
):
    page = logged_in.get(SETTINGS_URL)
    status_url = attribute(page, "data-conductor-status-url")
    token = parse_qs(urlsplit(status_url).query)["t"][0]

    assert logged_in.get(STATUS_URL).status_code == 404
    assert logged_in.get(STATUS_URL, {"t": token[:-2] + "xx"}).status_code == 404
    assert logged_in.get(STATUS_URL, {"since": "1"}).status_code == 404
    # The token is the credential: the poll reads no session (and so works where a host's
    # session middleware is slow, or the session just rotated).
    client.logout()
    assert client.get(status_url).json()["state"] == "checking"


def test_a_poll_reads_only_the_cache(
    logged_in, user, fake_conductor, worker, django_assert_num_queries
):
    page = logged_in.get(SETTINGS_URL)
    status_url = attribute(page, "data-conductor-status-url")

    with django_assert_num_queries(0):
        assert logged_in.get(status_url).json()["state"] == "checking"


def test_a_poll_is_one_trip_to_the_cache(logged_in, user, fake_conductor, worker, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.counting_cache.CountingCache"}}
    fake_conductor.set_scenario(user, "connected")
    page = logged_in.get(SETTINGS_URL)
    status_url = attribute(page, "data-conductor-status-url")
    READS.clear()

    assert logged_in.get(status_url).json()["state"] == "checking"
    assert [kind for kind, _keys in READS] == ["get_many"]

    run_queued(worker)
    READS.clear()

    assert logged_in.get(status_url).json()["state"] == "connected"
    assert [kind for kind, _keys in READS] == ["get_many"]


def test_callback_returns_at_once_and_the_page_confirms(logged_in, user, fake_conductor, worker):
    start = logged_in.get(SETTINGS_URL)
    run_queued(worker)
    flow = logged_in.get(attribute(start, "data-conductor-page-url"))
    (token,) = parse_qs(urlsplit(fake_conductor.auth_sessions[-1]["redirectUrl"]).query)["state"]
    fake_conductor.set_scenario(user, "connected")

    response = logged_in.get("/quickbooks/callback/", {"state": token})

    assert flow.status_code == 302
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SETTINGS_URL}?since=")
    page = logged_in.get(response["Location"])
    assert outcome_of(page) == "checking"
    run_queued(worker)
    assert outcome_of(logged_in.get(response["Location"])) == "connected"


def test_callback_to_another_page_confirms_on_the_settings_page_then_continues(
    logged_in, user, fake_conductor, worker
):
    start = logged_in.get(SETTINGS_URL, {"next": "/billing/"})
    run_queued(worker)
    logged_in.get(attribute(start, "data-conductor-page-url"))
    (token,) = parse_qs(urlsplit(fake_conductor.auth_sessions[-1]["redirectUrl"]).query)["state"]

    response = logged_in.get("/quickbooks/callback/", {"state": token})
    assert urlsplit(response["Location"]).path == SETTINGS_URL
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["/billing/"]
    run_queued(worker)

    # Still not set up (the flow was left): said once, offered again, with the way on.
    page = logged_in.get(response["Location"])
    assert outcome_of(page) == "not_set_up"
    content = page.content.decode()
    assert "setup was not finished" in content
    assert '<a href="/billing/">Continue</a>' in content
