"""The hosted flow clicked through in a real browser (Debian's chromium via Playwright)."""

import shutil

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.urls("tests.sandbox.urls")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(monkeypatch):
    if not CHROMIUM:
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright runs an event loop in this thread; fixture teardown still needs the ORM.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser.new_page(accept_downloads=True)
        browser.close()


def test_click_through_the_flow_and_land_on_redirect_url(
    live_server, transactional_db, page, secret_key, publishable_key
):
    api = live_server.url + "/sandbox/v1"
    headers = {"Authorization": f"Bearer {secret_key}"}
    user = requests.post(
        api + "/end-users",
        json={"companyName": "Browser Co", "sourceId": "b-1", "email": "b@b.test"},
        headers=headers,
        timeout=10,
    ).json()
    back = live_server.url + "/sandbox/?came=back"
    session = requests.post(
        api + "/auth-sessions",
        json={"publishableKey": publishable_key, "endUserId": user["id"], "redirectUrl": back},
        headers=headers,
        timeout=10,
    ).json()

    page.goto(session["authFlowUrl"])
    with page.expect_download() as download:
        page.click("#download-qwc")
    assert download.value.suggested_filename.endswith(".qwc")
    page.click("#continue")
    assert page.inner_text("#wc-password").strip()
    page.click("#continue")
    page.click("#outcome-connect")
    assert page.url == back

    health = requests.get(
        api + "/quickbooks-desktop/health-check",
        headers={**headers, "Conductor-End-User-Id": user["id"]},
        timeout=10,
    )
    assert health.json()["status"] == "ok"
