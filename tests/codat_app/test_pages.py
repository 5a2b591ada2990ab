"""The Codat pages as a browser meets them, with FakeCodat answering Codat's API through
``responses``: the connections page, the picker, connect, the return from Link, and reconnect /
disconnect / delete behind a confirmation. Codat's failures read as words, never as a 500."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conductor_django.codat import records
from conductor_django.codat.client import Connection
from conductor_django.codat.models import CodatConnection
from tests.counting_cache import READS

pytestmark = pytest.mark.django_db

CONNECTIONS = reverse("conductor_codat:connections")
PICKER = reverse("conductor_codat:picker")
CONNECT = reverse("conductor_codat:connect")


def nobody(request, owner):
    return False


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def flashes(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def connect(browser, platform="gbol", **extra):
    return browser.post(CONNECT, {"platform": platform, **extra})


def state_of(url):
    return parse_qs(urlsplit(url).query)["state"][0]


def come_back(browser, codat, response, outcome="link", **extra):
    """Play the Link page for the connection ``response`` was sent to, and follow Codat's
    redirect back into the app."""
    link_url = response["Location"]
    connection_id = urlsplit(link_url).path.split("/connections/")[1].split("/")[0]
    back = codat.link(connection_id, outcome, state=state_of(link_url), **extra)
    return browser.get(back.replace("http://testserver", ""), follow=True)


def test_an_owner_without_connections_is_offered_to_connect(codat, browser):
    response = browser.get(CONNECTIONS)

    assert response.status_code == 200
    assert "No accounting software is connected yet." in text(response)
    assert f'href="{PICKER}"' in text(response)


def test_the_picker_lists_the_enabled_platforms_with_their_branding(codat, browser):
    response = browser.get(PICKER)
    page = text(response)

    assert response.status_code == 200
    assert 'data-platform="gbol"' in page and "Xero" in page
    assert 'data-platform="akxx"' in page  # NetSuite
    assert "Plaid" not in page  # banking is not among the configured source types
    # QuickBooks gets Intuit's own button, with its hover state.
    quickbooks = page.split('data-platform="qhyg"')[1].split("</li>")[0]
    assert "conductor-codat-branded" in quickbooks
    assert "conductor-codat-button-hover" in quickbooks


def test_the_picker_searches_and_a_warm_picker_asks_codat_nothing(codat, browser):
    browser.get(PICKER)
    asked = len(codat.calls)

    page = text(browser.get(PICKER, {"q": "quickbooks"}))

    assert 'data-platform="qhyg"' in page and 'data-platform="pqsw"' in page
    assert 'data-platform="gbol"' not in page
    assert "No accounting software matches" in text(browser.get(PICKER, {"q": "zzz"}))
    assert len(codat.calls) == asked


def test_connect_sends_the_browser_to_link_with_our_state(codat, browser, owner):
    response = connect(browser, "gbol")

    assert response.status_code == 302
    link_url = response["Location"]
    assert "/connections/" in link_url and state_of(link_url)
    [row] = CodatConnection.objects.all()
    assert row.status == "PendingAuth" and row.platform_key == "gbol"


def test_connecting_the_same_platform_again_reuses_the_pending_connection(codat, browser):
    first = connect(browser, "gbol")
    second = connect(browser, "gbol")

    assert urlsplit(first["Location"]).path == urlsplit(second["Location"]).path
    assert state_of(first["Location"]) != state_of(second["Location"])
    assert codat.count("POST", "/connections") == 1
    assert CodatConnection.objects.count() == 1


def test_link_and_back_is_connected_once_codat_says_so(codat, browser):
    page = come_back(browser, codat, connect(browser, "gbol"))

    assert page.redirect_chain[-1][0] == CONNECTIONS
    assert "Xero is connected." in flashes(page)
    assert 'data-status="Linked"' in text(page)
    assert "Connected" in text(page)


def test_back_from_link_goes_to_the_checked_next(codat, browser):
    sent = connect(browser, "gbol", next="/dashboard/")
    page = come_back(browser, codat, sent)

    assert page.redirect_chain[0][0] == "/dashboard/"


def test_an_outside_next_is_ignored(codat, browser):
    sent = connect(browser, "gbol", next="https://evil.example/")
    page = come_back(browser, codat, sent)

    assert page.redirect_chain[0][0] == CONNECTIONS


def test_a_cancel_goes_back_to_the_picker(codat, browser):
    page = come_back(browser, codat, connect(browser, "gbol"), "cancel")

    assert urlsplit(page.redirect_chain[0][0]).path == PICKER
    assert flashes(page) == ["Connecting Xero was cancelled. You can pick it again below."]
    assert 'data-codat-page="picker"' in text(page)


def test_an_error_says_what_the_platform_said(codat, browser):
    sent = connect(browser, "gbol")
    page = come_back(browser, codat, sent, "error", status_text="Your Xero trial has ended")

    assert urlsplit(page.redirect_chain[0][0]).path == PICKER
    [message] = flashes(page)
    assert message.startswith("Xero could not be connected.")
    assert "Your Xero trial has ended" in message


@pytest.mark.parametrize(
    "outcome, words",
    [
        ("not_supported", "Xero cannot be connected to your account yet."),
        ("already_linked", "the connection was not completed"),
    ],
)
def test_other_status_codes_read_as_words(codat, browser, outcome, words):
    page = come_back(browser, codat, connect(browser, "gbol"), outcome)

    assert any(words in m for m in flashes(page))


def test_a_forged_success_is_not_believed(codat, browser):
    sent = connect(browser, "gbol")
    connection_id = CodatConnection.objects.get().connection_id
    forged = (
        f"/codat/return/?statusCode=200&connectionId={connection_id}"
        f"&state={state_of(sent['Location'])}"
    )

    page = browser.get(forged, follow=True)

    assert "Xero is connected." not in flashes(page)
    assert CodatConnection.objects.get().status == "PendingAuth"


def test_a_return_without_our_state_is_refused(codat, browser):
    connect(browser, "gbol")
    connection_id = CodatConnection.objects.get().connection_id

    response = browser.get(f"/codat/return/?statusCode=200&connectionId={connection_id}&state=x")

    assert response.status_code == 400
    assert "This link is not valid, or it has already been used." in text(response)
    assert f'href="{CONNECTIONS}"' in text(response)


def test_codat_down_at_the_return_says_it_could_not_confirm(codat, browser):
    sent = connect(browser, "gbol")
    codat.outage(503)

    page = come_back(browser, codat, sent)

    assert page.status_code == 200
    assert any("could not confirm" in m for m in flashes(page))


def linked(codat, browser, platform="gbol"):
    come_back(browser, codat, connect(browser, platform))
    return CodatConnection.objects.get(platform_key=platform, deleted_at__isnull=True)


def test_replacing_the_accounting_platform_says_what_happens_and_asks_first(codat, browser):
    xero = linked(codat, browser, "gbol")

    asked = connect(browser, "qhyg")

    assert asked.status_code == 409
    assert "disconnects Xero" in text(asked)
    assert 'name="replace" value="1"' in text(asked)
    xero.refresh_from_db()
    assert xero.status == "Linked"  # nothing changed before the confirmation

    confirmed = connect(browser, "qhyg", replace="1")

    assert confirmed.status_code == 302
    xero.refresh_from_db()
    assert xero.status == "Unlinked"


def test_disconnect_asks_then_unlinks_and_keeps_the_data(codat, browser):
    xero = linked(codat, browser)
    url = reverse("conductor_codat:disconnect", args=[xero.connection_id])

    asked = browser.get(url)
    assert "The data already read from it stays available" in text(asked)
    xero.refresh_from_db()
    assert xero.status == "Linked"

    page = browser.post(url, follow=True)

    xero.refresh_from_db()
    assert xero.status == "Unlinked"
    assert page.redirect_chain[0][0] == CONNECTIONS
    assert any("was disconnected" in m for m in flashes(page))
    assert "Disconnected" in text(page)


def test_delete_asks_then_deletes_at_codat(codat, browser):
    xero = linked(codat, browser)
    url = reverse("conductor_codat:delete", args=[xero.connection_id])

    assert "removes the connection for good" in text(browser.get(url))
    page = browser.post(url, follow=True)

    assert xero.connection_id not in codat.connections
    xero.refresh_from_db()
    assert xero.deleted_at is not None
    assert "No accounting software is connected yet." in text(page)


def test_reconnect_sends_a_revoked_connection_through_link_again(codat, browser):
    xero = linked(codat, browser)
    codat.revoke(xero.connection_id)
    page = text(browser.get(CONNECTIONS, {"refresh": "1"}))
    assert "Access to Xero was revoked or has expired." in page
    url = reverse("conductor_codat:reconnect", args=[xero.connection_id])
    assert f'href="{url}"' in page

    sent = browser.post(url)
    back = come_back(browser, codat, sent)

    assert "Xero is connected." in flashes(back)
    xero.refresh_from_db()
    assert xero.status == "Linked"


def test_quickbooks_desktop_explains_the_connector(codat, browser):
    come_back(browser, codat, connect(browser, "pqsw"))

    page = text(browser.get(CONNECTIONS))

    assert "Waiting for the connector on your computer" in page
    assert "connector program" in page


def test_a_warm_connections_page_asks_codat_nothing(codat, browser):
    linked(codat, browser)
    browser.get(CONNECTIONS)
    asked = len(codat.calls)

    page = browser.get(CONNECTIONS)

    assert 'data-status="Linked"' in text(page)
    assert len(codat.calls) == asked


@override_settings(CACHES={"default": {"BACKEND": "tests.counting_cache.CountingCache"}})
def test_a_warm_connections_page_reads_the_cache_in_one_trip(codat, browser):
    linked(codat, browser)
    browser.get(CONNECTIONS)
    browser.get(CONNECTIONS)
    READS.clear()

    page = browser.get(CONNECTIONS)

    assert 'data-status="Linked"' in text(page)
    assert [kind for kind, _keys in READS] == ["get_many"]


def test_a_connection_revoked_since_the_last_load_shows_on_a_warm_page(codat, browser, owner):
    created = linked(codat, browser)
    browser.get(CONNECTIONS)
    codat.revoke(created.connection_id)
    fact = codat.connection_json(created.connection_id)
    records.apply(owner, owner.codat_company_id, Connection.from_api(fact), timezone.now())

    page = browser.get(CONNECTIONS)

    assert 'data-status="Deauthorized"' in text(page)


def test_codat_down_keeps_the_recorded_connections_on_the_page(codat, browser):
    linked(codat, browser)
    codat.outage(503)

    page = browser.get(CONNECTIONS, {"refresh": "1"})

    assert page.status_code == 200
    assert "We could not reach the accounting connection service" in text(page)
    assert 'data-status="Linked"' in text(page)


@pytest.mark.parametrize("status", [503, "network", "timeout", "html"])
def test_codat_down_when_connecting_is_a_page_not_a_500(codat, browser, status):
    browser.get(PICKER)  # the platforms are cached
    codat.outage(status)

    response = connect(browser, "gbol")

    assert response.status_code == 503
    assert "We could not reach the accounting connection service" in text(response)
    assert int(response["Retry-After"]) >= 1


def test_the_picker_on_a_cold_cache_with_codat_down_is_a_page(codat, browser):
    codat.outage(503)

    response = browser.get(PICKER)

    assert response.status_code == 503
    assert "Try again" in text(response)


def test_an_unknown_platform_is_refused_in_words(codat, browser):
    response = connect(browser, "nope")

    assert response.status_code == 400
    assert "This accounting software is not available to connect." in text(response)


def test_no_key_is_a_page_not_a_500(codat, browser, settings):
    settings.CODAT = {**settings.CODAT, "API_KEY": None}

    response = browser.get(CONNECTIONS)

    assert response.status_code == 503
    assert "not available right now" in text(response)


def test_another_owners_connection_is_not_found(codat, browser, make_user):
    other = make_user("bob")
    theirs = Client()
    theirs.force_login(other)
    connect(theirs, "gbol")
    connection_id = CodatConnection.objects.get().connection_id

    for name in ("reconnect", "disconnect", "delete"):
        url = reverse(f"conductor_codat:{name}", args=[connection_id])
        assert browser.get(url).status_code == 404
        assert browser.post(url).status_code == 404
    assert connection_id in codat.connections


def test_users_who_may_not_manage_see_but_cannot_change(codat, browser, settings):
    xero = linked(codat, browser)
    settings.CONDUCTOR = {**settings.CONDUCTOR, "CAN_MANAGE_CONNECTION": nobody}

    page = text(browser.get(CONNECTIONS))
    assert "Ask an administrator" in page
    assert "/disconnect/" not in page

    assert browser.get(PICKER).status_code == 403
    assert connect(browser, "qhyg").status_code == 403
    url = reverse("conductor_codat:disconnect", args=[xero.connection_id])
    assert browser.post(url).status_code == 403
    xero.refresh_from_db()
    assert xero.status == "Linked"


def test_changes_are_posts_with_a_csrf_token(codat, owner):
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(owner)

    assert careful.get(CONNECT, {"platform": "gbol"}).status_code == 405
    assert careful.post(CONNECT, {"platform": "gbol"}).status_code == 403
    assert codat.count("POST", "/connections") == 0


def test_pages_need_a_log_in(codat, settings):
    response = Client().get(CONNECTIONS)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
