"""The Codat journeys in a real browser: Debian's chromium driven by Playwright, against the
example project with the Codat sandbox under the live server (the Portal's redirect template
pointing at the app's callback). Pick a platform, go through Link, come back Linked; cancel
back to the picker; an error in words; disconnect, delete and reconnect. Each page is kept as a
screenshot under test-artifacts/e2e/<test>/."""

import pytest

from conductor_django.codat.models import CodatConnection
from conductor_django.codat.sandbox import control
from example_project.accounts.models import User

from .test_browser import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]


def pick(page, app, platform):
    """From the dashboard, open the connections page, then the picker, and pick ``platform``:
    the browser lands on the sandbox's Link page."""
    page.click("#nav-codat")
    page.wait_for_url(f"{app}/codat/")
    page.click("#codat-connect")
    page.wait_for_url(f"{app}/codat/connect/**")
    page.shoot("picker")
    page.click(f"#codat-pick-{platform}")
    page.wait_for_url(f"{app}/codat-sandbox/link/**")
    page.shoot("link-page")


def only_connection():
    [row] = CodatConnection.objects.filter(deleted_at__isnull=True)
    return row


def test_pick_a_platform_link_and_come_back_linked(codat, page):
    sign_up(page, "kai", "Kai's Kitchens")
    company = User.objects.get(username="kai").codat_company_id
    assert company and [c["id"] for c in control.companies()] == [company]

    pick(page, codat, "gbol")
    assert page.get_attribute("#link-page", "data-platform") == "gbol"
    page.click("#outcome-link")
    page.wait_for_url(f"{codat}/codat/")
    page.shoot("connected")

    assert page.inner_text(".messages") == "Xero is connected."
    row = page.locator(".conductor-codat-connection")
    assert row.get_attribute("data-status") == "Linked"
    assert row.locator(".conductor-status").inner_text() == "Connected"
    assert only_connection().status == "Linked"
    page.goto("/")
    assert page.inner_text("#codat-status").strip() == "Connected"


def test_quickbooks_has_its_own_button_with_its_hover_state(codat, page):
    sign_up(page, "lou", "Lou's Lumber")
    page.goto("/codat/connect/?q=quickbooks")
    button = page.locator("#codat-pick-qhyg")
    default = button.locator(".conductor-codat-button-default")
    hover = button.locator(".conductor-codat-button-hover")
    assert default.is_visible() and not hover.is_visible()

    button.hover()
    page.shoot("quickbooks-hover")

    assert hover.is_visible() and not default.is_visible()
    assert page.locator("#codat-pick-gbol").count() == 0  # the search kept QuickBooks only


def test_cancel_goes_back_to_the_picker(codat, page):
    sign_up(page, "max", "Max's Mills")
    pick(page, codat, "gbol")
    page.click("#outcome-cancel")
    page.wait_for_url(f"{codat}/codat/connect/**")
    page.shoot("back-to-picker")

    assert "Connecting Xero was cancelled" in page.inner_text(".messages")
    assert page.locator("#codat-pick-gbol").is_visible()
    assert only_connection().status == "PendingAuth"


def test_an_error_comes_back_in_words(codat, page):
    sign_up(page, "nia", "Nia's Nurseries")
    pick(page, codat, "gbol")
    page.fill("#status-text", "Your Xero organisation has no active subscription")
    page.click("#outcome-error")
    page.wait_for_url(f"{codat}/codat/connect/**")
    page.shoot("error")

    message = page.inner_text(".messages")
    assert "Xero could not be connected." in message
    assert "Your Xero organisation has no active subscription" in message


def test_disconnect_then_reconnect_then_delete(codat, page):
    sign_up(page, "oz", "Oz's Optics")
    pick(page, codat, "gbol")
    page.click("#outcome-link")
    page.wait_for_url(f"{codat}/codat/")

    page.click(".conductor-codat-disconnect")
    page.shoot("confirm-disconnect")
    assert "stays available" in page.inner_text(".conductor-codat")
    page.click("#codat-confirm")
    page.wait_for_url(f"{codat}/codat/")
    page.shoot("disconnected")
    assert page.locator(".conductor-codat-connection").get_attribute("data-status") == "Unlinked"
    assert only_connection().status == "Unlinked"

    page.click(".conductor-codat-reconnect")
    page.click("#codat-confirm")
    page.wait_for_url(f"{codat}/codat-sandbox/link/**")
    page.click("#outcome-link")
    page.wait_for_url(f"{codat}/codat/")
    page.shoot("reconnected")
    assert page.locator(".conductor-codat-connection").get_attribute("data-status") == "Linked"

    page.click(".conductor-codat-delete")
    page.shoot("confirm-delete")
    page.click("#codat-confirm")
    page.wait_for_url(f"{codat}/codat/")
    page.shoot("deleted")
    assert page.locator(".conductor-codat-connection").count() == 0
    assert "No accounting software is connected yet." in page.inner_text(".conductor-codat")
    assert control.companies()[0]["dataConnections"] == []


def test_reconnect_after_the_user_revoked_access(codat, page):
    sign_up(page, "pia", "Pia's Pottery")
    pick(page, codat, "gbol")
    page.click("#outcome-link")
    page.wait_for_url(f"{codat}/codat/")
    control.revoke(only_connection().connection_id)

    page.reload()
    page.shoot("revoked")
    assert "Access to Xero was revoked or has expired" in page.inner_text(".conductor-codat-error")
    page.click(".conductor-codat-reconnect")
    page.click("#codat-confirm")
    page.wait_for_url(f"{codat}/codat-sandbox/link/**")
    page.click("#outcome-link")
    page.wait_for_url(f"{codat}/codat/")

    assert page.locator(".conductor-codat-connection").get_attribute("data-status") == "Linked"
    assert "Xero is connected." in page.inner_text(".messages")
