"""Into Link and back: our state rides on the linkUrl (one-time links included), the return is
checked against it, and only Codat says whether the connection is Linked."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from conductor_django.codat import link
from conductor_django.codat.models import CodatConnection, CodatLink
from conductor_django.codat.outcomes import ReturnKind
from conductor_django.core.state import GRACE_SECONDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://link-api.codat.io/companies/c/connections/x/start",
            "https://link-api.codat.io/companies/c/connections/x/start?state=tok",
        ),
        (
            "https://link-api.codat.io/companies/c/connections/x/start?otp=abc123",
            "https://link-api.codat.io/companies/c/connections/x/start?otp=abc123&state=tok",
        ),
        (
            "https://link-api.codat.io/start?state=old&otp=a%2Bb",
            "https://link-api.codat.io/start?otp=a%2Bb&state=tok",
        ),
    ],
)
def test_the_state_joins_whatever_query_the_link_has(url, expected):
    assert link.with_state(url, "tok") == expected


def test_the_state_parameter_is_a_setting(codat_settings):
    codat_settings["STATE_PARAMETER"] = "ours"
    assert (
        link.with_state("https://x.test/start?otp=1", "tok")
        == "https://x.test/start?otp=1&ours=tok"
    )
    assert link.redirect_template("https://app.test/back/").endswith("&ours={ours}")


class Browser:
    """One browser's requests: the same session and user across the round trip."""

    def __init__(self, user):
        self.user = user
        self.session = SessionStore()
        self.factory = RequestFactory()

    def request(self, path="/", data=None):
        request = self.factory.get(path, data or {})
        request.user = self.user
        request.session = self.session
        request._messages = FallbackStorage(request)
        return request


@pytest.fixture
def browser(owner):
    return Browser(owner)


def back(codat, browser, start, outcome="link", **extra):
    """Play the Link page and follow Codat's redirect back with the browser."""
    token = start.url.split("state=", 1)[1]
    url = codat.link(start.started.connection.connection_id, outcome, state=token, **extra)
    query = url.split("?", 1)[1]
    return link.handle_return(browser.request(f"/codat/return/?{query}"), browser.user)


def test_linked_per_codat_is_connected_and_recorded(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol", next_url="/books/")

    outcome = back(codat, browser, start)

    assert outcome.kind == ReturnKind.LINKED and outcome.connected
    assert outcome.message == "Xero is connected."
    assert outcome.next_url == "/books/"
    assert outcome.connection.status == CodatConnection.Status.LINKED
    [history] = CodatLink.objects.all()
    assert history.status_code == 200 and history.completed_at is not None


def test_the_state_is_for_one_return_only(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")
    token = start.url.split("state=", 1)[1]
    url = codat.link(start.started.connection.connection_id, "link", state=token)
    query = url.split("?", 1)[1]

    link.handle_return(browser.request(f"/r/?{query}"), owner)
    again = link.handle_return(browser.request(f"/r/?{query}"), owner)

    assert again.kind == ReturnKind.INVALID_STATE and again.invalid_state == "unknown"


def test_a_cancel_goes_back_to_the_picker(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")

    outcome = back(codat, browser, start, "cancel")

    assert outcome.kind == ReturnKind.CANCELLED and outcome.back_to_picker
    assert "cancelled" in outcome.message
    assert CodatLink.objects.get().status_code == 403


def test_an_error_says_what_the_platform_said(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")

    outcome = back(codat, browser, start, "error", status_text="Bad credentials")

    assert outcome.kind == ReturnKind.FAILED and outcome.back_to_picker
    assert outcome.reason == "Bad credentials"
    assert outcome.message == "Xero could not be connected. Please try again."


def test_a_forged_success_is_not_believed(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")
    token = start.url.split("state=", 1)[1]
    connection_id = start.started.connection.connection_id
    forged = f"/r/?statusCode=200&connectionId={connection_id}&state={token}"

    outcome = link.handle_return(browser.request(forged), owner)

    assert outcome.kind == ReturnKind.NOT_CONFIRMED and not outcome.connected
    assert outcome.connection.status == "PendingAuth"
    assert CodatLink.objects.get().completed_at is None


def test_a_state_for_another_connection_cannot_confirm_this_one(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")
    token = start.url.split("state=", 1)[1]
    other = codat.add_connection(owner.codat_company_id, "mqjo", status="Linked")

    outcome = link.handle_return(
        browser.request(f"/r/?statusCode=200&connectionId={other['id']}&state={token}"), owner
    )

    assert outcome.kind == ReturnKind.INVALID_STATE


def test_another_browser_or_account_cannot_use_the_state(codat, browser, owner, make_user):
    start = link.begin_link(browser.request(), owner, "gbol")
    token = start.url.split("state=", 1)[1]
    query = f"statusCode=200&connectionId={start.started.connection.connection_id}&state={token}"

    elsewhere = link.handle_return(Browser(owner).request(f"/r/?{query}"), owner)
    other = make_user("mallory")
    browser.user = other
    wrong = link.handle_return(browser.request(f"/r/?{query}"), other)

    assert elsewhere.invalid_state == "unknown"
    assert wrong.invalid_state == "wrong_account"


def test_the_state_lasts_as_long_as_a_one_time_link(codat, browser, owner):
    import time

    issued = time.time()
    link.begin_link(browser.request(), owner, "gbol")

    [pending] = browser.session[link.SESSION_KEY]
    assert pending["expires"] - issued == pytest.approx(24 * 3600 + GRACE_SECONDS, abs=5)
    assert pending["subject"]


def test_codat_down_at_the_return_leaves_it_unconfirmed(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "gbol")
    token = start.url.split("state=", 1)[1]
    url = codat.link(start.started.connection.connection_id, "link", state=token)
    codat.outage(503)

    outcome = link.handle_return(browser.request("/r/?" + url.split("?", 1)[1]), owner)

    assert outcome.kind == ReturnKind.UNCONFIRMED and not outcome.back_to_picker
    assert outcome.problem is not None
    assert "could not confirm" in outcome.message


def test_quickbooks_desktop_waits_for_the_connector(codat, browser, owner):
    start = link.begin_link(browser.request(), owner, "pqsw")

    outcome = back(codat, browser, start)

    row = outcome.connection
    assert row.offline_connector and row.waiting_for_connector
    assert row.data_status == CodatConnection.DataStatus.QUEUED
    from conductor_django.codat.services import sync_words

    assert "connector on your computer" in sync_words(row)


def test_the_portal_template_is_judged(codat_settings):
    from conductor_django.codat.redirect import judge

    good = link.redirect_template("https://app.test/codat/return/")
    assert judge(good).ok
    missing_state = "https://app.test/r/?statusCode={statusCode}&connectionId={connectionId}"
    assert any("{state}" in problem for problem in judge(missing_state).problems)
    assert not judge("").ok


def test_no_link_url_state_or_key_reaches_a_log_line_or_a_repr(
    codat, browser, owner, caplog, codat_settings
):
    import logging

    caplog.set_level(logging.DEBUG)
    start = link.begin_link(browser.request(), owner, "gbol")
    codat.outage(503, times=1)
    outcome = back(codat, browser, start)
    token = start.url.split("state=", 1)[1]

    shown = caplog.text + repr(start) + repr(start.started) + repr(outcome)
    for secret in (start.url, start.started.link_url, token, codat_settings["API_KEY"]):
        assert secret not in shown
