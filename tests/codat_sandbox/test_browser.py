"""The Link page in a real browser (Debian's chromium through Playwright): a one-time link with
the app's state appended, QuickBooks' branded button and its hover state, the redirect back, and
the spent link."""

import os
from urllib.parse import quote

import pytest
import requests

from conductor_django.codat.sandbox import control
from tests.e2e.browsers import browser_tab
from tests.e2e.chromium import CHROMIUM

from .conftest import basic

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.urls("tests.codat_sandbox.urls")]


@pytest.fixture
def tab(live_server, transactional_db):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with browser_tab(sync_api, live_server.url) as page:
        yield page


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
