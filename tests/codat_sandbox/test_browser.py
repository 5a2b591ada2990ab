"""The Link page in a real browser (Debian's chromium through Playwright): a one-time link with
the app's state appended, QuickBooks' branded button and its hover state, the redirect back, and
the spent link."""

import os
from urllib.parse import quote

import pytest
import requests
from django import db

from conductor_django.codat.sandbox import control
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

from .conftest import basic

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.urls("tests.codat_sandbox.urls")]


@pytest.fixture
def tab(live_server, transactional_db):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread, which trips Django's async-unsafe
    # guard for the ORM calls the test makes.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            try:
                yield page
            finally:
                browser.close()
                db.connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_link_page_in_chromium(tab, live_server):
    base = live_server.url + "/codat-sandbox"
    with requests.Session() as http:
        http.headers["Authorization"] = basic()
        company = http.post(f"{base}/companies", json={"name": "Browser Ltd"}, timeout=10).json()
        control.set_one_time_links(True)
        # Back to the sandbox's own dashboard, which shows the notice it is given.
        control.set_redirect_url(f"{base}/?notice=back+{{statusCode}}+{{state}}+{{platform}}")
        connection = http.post(
            f"{base}/companies/{company['id']}/connections",
            json={"platformKey": "qhyg"},
            timeout=10,
        ).json()
    link_url = connection["linkUrl"] + "&state=" + quote("s 1")

    tab.goto(link_url)
    assert tab.locator("#platform-name").inner_text() == "QuickBooks Online"
    button = tab.locator("#outcome-link")
    resting = button.evaluate("b => getComputedStyle(b).backgroundImage")
    button.hover()
    hovered = button.evaluate("b => getComputedStyle(b).backgroundImage")
    assert "/assets/qhyg/button.svg" in resting
    assert "/assets/qhyg/button-hover.svg" in hovered

    button.click()
    tab.wait_for_selector("#notice")
    assert tab.locator("#notice").inner_text() == "back 200 s 1 qhyg"
    [listed] = control.companies()
    assert listed["dataConnections"][0]["status"] == "Linked"

    tab.goto(link_url)
    assert tab.locator("#link-error").get_attribute("data-reason") == "used"
