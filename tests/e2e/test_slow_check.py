"""A QuickBooks that takes its time (the sandbox's ``slow`` scenario, or a delayed answer): the
settings page and the return from the hosted flow answer at once with "checking", then show the
answer when it arrives, in chromium with and without JavaScript. Here the live server runs the
immediate task backend, so the check runs on the web process's own pool after
``INLINE_CHECK_WAIT``."""

import re

import pytest

from conductor_django.client import catalog
from conductor_django.sandbox import control

from .browsers import browser_tab
from .journey import only_end_user, open_settings_expecting_flow, settle, walk_flow
from .test_browser import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.live]

HEALTH_CHECK = "/quickbooks-desktop/health-check"
CHECKING = "Checking your QuickBooks Desktop connection…"
# Generous: the check takes 1.5 s; this is only how long a broken page may keep a test waiting.
ANSWER_MS = 20_000


@pytest.fixture
def quick_wait(settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "INLINE_CHECK_WAIT": 0.2}


def connected_user(page, name):
    sign_up(page, name, f"{name.title()}'s Shop")
    end_user_id = only_end_user()["id"]
    control.set_scenario(end_user_id, "slow", delay_seconds=1.5)
    return end_user_id


def test_the_page_shows_checking_then_connected_without_moving_focus(app, page, quick_wait):
    connected_user(page, "lou")

    response = page.goto("/quickbooks/?refresh=1")

    assert response.status == 200
    assert page.inner_text(".conductor-status") == CHECKING
    assert page.get_attribute(".conductor-live", "aria-live") == "polite"
    page.shoot("checking")
    page.wait_for_selector(".conductor-status--connected", timeout=ANSWER_MS)
    page.shoot("connected")
    assert page.inner_text(".conductor-status") == "Connected"
    # Shown in place: no navigation, the live region kept, focus left where it was.
    assert page.url.endswith("/quickbooks/?refresh=1")
    assert page.evaluate("document.activeElement === document.body")
    assert page.get_attribute(".conductor-settings", "data-conductor-outcome") == "connected"
    assert control.request_count("GET", HEALTH_CHECK, end_user_id=only_end_user()["id"]) == 1
    # By keyboard: "Check again" asks again, and the answer comes again.
    page.focus(".conductor-retry")
    page.keyboard.press("Enter")
    page.wait_for_selector(".conductor-status--checking")
    page.wait_for_selector(".conductor-status--connected", timeout=ANSWER_MS)


def test_not_set_up_ends_in_the_hosted_flow(app, page, quick_wait):
    sign_up(page, "mia", "Mia's Mill")
    control.fail_next(1, "delay", method="GET", path=HEALTH_CHECK, delay_ms=1500)

    page.goto("/quickbooks/")

    page.wait_for_url(f"{app}/sandbox/qbd/**", timeout=ANSWER_MS)
    page.shoot("hosted-flow")
    assert page.is_visible("#download-qwc")
    # A fresh auth session, issued by the server when the script came back to the page.
    assert len(control.auth_sessions(only_end_user()["id"])) == 1


def test_an_error_shows_conductors_message(app, page, quick_wait):
    sign_up(page, "ned", "Ned's Nets")
    control.set_scenario(only_end_user()["id"], "permission_denied")
    control.fail_next(1, "delay", method="GET", path=HEALTH_CHECK, delay_ms=1500)

    page.goto("/quickbooks/?refresh=1")

    page.wait_for_selector(".conductor-message", timeout=ANSWER_MS)
    page.shoot("error")
    assert page.inner_text(".conductor-message") == catalog.PERMISSION_DENIED_USER_MESSAGE
    assert page.is_visible(".conductor-retry")


def test_a_check_that_never_finishes_ends_unavailable_with_a_retry(app, page, settings):
    connected_user(page, "oli")
    # A queue no worker serves: the check is asked and never runs.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    usual = settings.CONDUCTOR
    settings.CONDUCTOR = {**usual, "CONNECT_TIMEOUT": 0.5, "HEALTH_CHECK_TIMEOUT": 0.5}

    page.goto("/quickbooks/?refresh=1")
    assert page.inner_text(".conductor-status") == CHECKING

    page.wait_for_selector(".conductor-status--unavailable", timeout=ANSWER_MS)
    page.shoot("unavailable")
    assert "We could not reach QuickBooks right now." in page.inner_text(".conductor-settings")
    assert control.request_count("GET", HEALTH_CHECK) == 0

    # The worker is back: "Try again" asks again, and the answer comes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CONDUCTOR = {**usual, "INLINE_CHECK_WAIT": 0.2}
    page.click(".conductor-retry")
    page.wait_for_selector(".conductor-status--connected", timeout=ANSWER_MS)


@pytest.fixture
def page_without_js(app, chromium):
    with browser_tab(chromium, app, java_script_enabled=False) as tab:
        tab.shoot = lambda name: None
        yield tab


def test_without_javascript_the_page_reloads_itself_to_the_answer(app, page_without_js, quick_wait):
    page = page_without_js
    connected_user(page, "pat")

    page.goto("/quickbooks/?refresh=1")
    assert page.inner_text(".conductor-status") == CHECKING
    assert page.is_visible(".conductor-refresh")

    # Its <noscript> refresh brings the answer; nothing to click.
    page.wait_for_selector(".conductor-status--connected", timeout=ANSWER_MS)
    assert "?since=" in page.url


def test_the_callback_answers_at_once_and_the_page_confirms(app, visitor, quick_wait):
    visitor.sign_up("quin", "Quin's Quilts")
    response = walk_flow(visitor, open_settings_expecting_flow(visitor, app), "connect")
    control.fail_next(1, "delay", method="GET", path=HEALTH_CHECK, delay_ms=1500)

    back = visitor.follow(response)

    assert back.status_code == 302
    assert back.headers["Location"].startswith("/quickbooks/?since=")
    checking = visitor.follow(back)
    assert 'data-conductor-outcome="checking"' in checking.text
    final = settle(visitor, checking)
    assert 'data-conductor-outcome="connected"' in final.text
    assert "Connected" in visitor.page(final).text


def test_the_callback_in_chromium(app, page, quick_wait):
    sign_up(page, "rex", "Rex's Rigs")
    page.click(".conductor-button")
    page.wait_for_url(f"{app}/sandbox/qbd/**")
    page.click("#continue")
    page.click("#continue")
    control.fail_next(1, "delay", method="GET", path=HEALTH_CHECK, delay_ms=1500)

    page.click("#outcome-connect")

    page.wait_for_url(re.compile(r".*/quickbooks/\?since="))
    page.wait_for_selector(".conductor-status--connected", timeout=ANSWER_MS)
    page.shoot("callback-connected")
    assert page.locator(".messages").count() == 0
