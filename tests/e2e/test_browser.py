"""The journey in a real browser: Debian's chromium driven by Playwright, against the example
project and the sandbox under a live server. Each page is kept as a screenshot under
test-artifacts/e2e/<test>/."""

import pytest

from conductor_django.client import catalog
from conductor_django.sandbox import control
from example_project.accounts.models import User

from .journey import PASSWORD, only_end_user

pytestmark = [pytest.mark.browser, pytest.mark.live]


def sign_up(page, username, company_name):
    page.goto("/sign-up/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.com")
    page.fill("#id_company_name", company_name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.shoot("sign-up")
    page.click("#sign-up")
    page.wait_for_url("**/")


def walk_to_permission_prompt(page, app):
    page.click(".conductor-button")
    page.wait_for_url(f"{app}/sandbox/qbd/**")
    page.shoot("flow-download")
    with page.expect_download() as download:
        page.click("#download-qwc")
    assert download.value.suggested_filename.endswith(".qwc")
    page.click("#continue")
    assert page.inner_text("#wc-password").strip()
    page.shoot("flow-password")
    page.click("#continue")
    page.shoot("flow-authorize")


def test_sign_up_connect_and_flip_a_scenario(app, page):
    sign_up(page, "ivy", "Ivy's Ironworks")
    assert "Welcome, ivy" in page.inner_text("h1")
    page.shoot("dashboard")
    end_user = only_end_user()
    assert end_user["sourceId"] == str(User.objects.get(username="ivy").pk)

    walk_to_permission_prompt(page, app)
    page.click("#outcome-connect")
    page.wait_for_url(f"{app}/quickbooks/")
    page.shoot("settings-connected")
    assert page.inner_text(".conductor-status") == "Connected"
    assert page.locator(".messages").count() == 0  # the page says it; no flash repeats it

    page.goto("/sandbox/")
    row = page.locator(f"#end-user-{end_user['id']}")
    row.locator("select[name=scenario]").select_option("not_active")
    page.shoot("sandbox-dashboard")
    row.locator("button[type=submit]").click()
    page.wait_for_url(f"{app}/sandbox/")
    assert control.scenario(end_user["id"]) == "not_active"

    page.goto("/quickbooks/?refresh=1")
    page.shoot("settings-not-active")
    assert page.inner_text(".conductor-message") == catalog.NOT_ACTIVE_USER_MESSAGE

    control.set_scenario(end_user["id"], "connected")
    page.click(".conductor-retry")
    assert page.inner_text(".conductor-status") == "Connected"
    page.goto("/")
    assert page.inner_text("#qbd-status").strip() == "Connected"


def test_wrong_permission_then_an_outage(app, page):
    sign_up(page, "jo", "Jo's Joinery")
    walk_to_permission_prompt(page, app)
    page.click("#outcome-wrong-permission")
    page.wait_for_url(f"{app}/quickbooks/")
    page.shoot("settings-permission-denied")
    assert page.inner_text(".conductor-status") == (
        "There is a problem with your QuickBooks Desktop connection."
    )
    assert page.locator(".messages").count() == 0
    assert page.inner_text(".conductor-message") == catalog.PERMISSION_DENIED_USER_MESSAGE

    control.set_faults(fault_rate=1, fault_kinds=["html_502"])
    response = page.goto("/quickbooks/?refresh=1")
    page.shoot("settings-unreachable")
    assert response.status == 200
    assert "We could not reach QuickBooks right now." in page.inner_text(".conductor-settings")


def test_abandon_and_an_expired_link(app, page):
    sign_up(page, "kit", "Kit's Kitchen")
    walk_to_permission_prompt(page, app)
    page.click("#outcome-abandon")
    page.shoot("flow-abandoned")
    assert page.is_visible("#flow-abandoned")
    [session] = control.auth_sessions(only_end_user()["id"])
    assert page.get_attribute("#back-to-app", "href") == session["redirectUrl"]

    control.expire_auth_session(session["clientSecret"])
    page.go_back()
    page.reload()
    page.shoot("flow-expired")
    assert page.get_attribute("#flow-error", "data-reason") == "expired"
