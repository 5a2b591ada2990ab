"""What a newcomer does in the project the README built, against its running server: log in,
open the settings page, go through the sandbox's hosted flow, come back "Connected".

``http_walk`` does it with ``requests`` (every leg); ``browser_walk`` in Debian's chromium
through Playwright (one leg), then visits each state of the app's pages and keeps a screenshot
of each.
"""

import html
import re
from pathlib import Path
from typing import Any

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HREF_OF_CONTINUE = re.compile(r'<a id="continue"[^>]* href="([^"]+)"')
COMPLETE_FORM = re.compile(r'<form method="post" action="([^"]+)">')


def _expect(condition: bool, what: str, response: requests.Response | None = None) -> None:
    if not condition:
        detail = (
            f" ({response.status_code} {response.url}: {response.text[:300]!r})" if response else ""
        )
        raise AssertionError(what + detail)


def _shows(page: Any, selector: str, what: str) -> None:
    """Wait until the settings page shows ``selector``: a check that outlasts the page's inline
    wait answers through the page's script a moment later."""
    try:
        page.locator(selector).first.wait_for(timeout=20_000)
    except Exception as exc:  # Playwright's TimeoutError
        raise AssertionError(f"{what}: {selector} never showed") from exc


def _one(pattern: re.Pattern[str], response: requests.Response) -> str:
    found = pattern.search(response.text)
    _expect(found is not None, f"{pattern.pattern} not on the page", response)
    return html.unescape(found.group(1))


def control(base: str, secret_key: str, action: str, **arguments):
    """The sandbox's control endpoint, as another process drives it."""
    response = requests.post(
        f"{base}/sandbox/control/",
        json={"action": action, **arguments},
        headers={"Authorization": f"Bearer {secret_key}"},
        timeout=30,
    )
    _expect(response.ok and response.json()["ok"], f"control {action}", response)
    return response.json()["result"]


def http_walk(base: str, username: str, password: str) -> None:
    session = requests.Session()
    get = lambda url: session.get(url, allow_redirects=False, timeout=60)  # noqa: E731

    response = get(f"{base}/quickbooks/")
    _expect(response.status_code == 302, "the settings page asks for a log-in", response)
    login_url = base + response.headers["Location"]
    _expect("/accounts/login/?next=/quickbooks/" in login_url, f"log-in URL: {login_url}")

    page = get(login_url)
    _expect(page.status_code == 200, "the log-in page renders", page)
    response = session.post(
        login_url,
        data={"csrfmiddlewaretoken": _one(CSRF, page), "username": username, "password": password},
        allow_redirects=False,
        timeout=60,
    )
    _expect(response.headers.get("Location") == "/quickbooks/", "log-in goes back", response)

    response = get(f"{base}/quickbooks/")
    flow_url = response.headers.get("Location", "")
    _expect(flow_url.startswith(f"{base}/sandbox/qbd/"), "sent to the hosted flow", response)
    download = get(flow_url)
    _expect(download.status_code == 200, "the flow's download step", download)
    password_step = get(base + _one(HREF_OF_CONTINUE, download))
    authorize = get(base + _one(HREF_OF_CONTINUE, password_step))
    response = session.post(
        base + _one(COMPLETE_FORM, authorize),
        data={"csrfmiddlewaretoken": _one(CSRF, authorize), "outcome": "connect"},
        allow_redirects=False,
        timeout=60,
    )
    callback = response.headers.get("Location", "")
    _expect(callback.startswith(f"{base}/quickbooks/callback/"), "back to the app", response)
    response = get(callback)
    _expect(response.headers.get("Location") == "/quickbooks/", "callback to settings", response)
    settings_page = get(f"{base}/quickbooks/")
    _expect(
        'data-conductor-outcome="connected"' in settings_page.text
        and ">Connected<" in settings_page.text,
        "the settings page says Connected",
        settings_page,
    )


def browser_walk(base: str, username: str, password: str, secret_key: str, shots: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS

    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, viewport={"width": 720, "height": 560})
        page = context.new_page()

        def shoot(name: str) -> None:
            # The app's own markup only: small PNGs that show what the app draws.
            page.locator("main.conductor").screenshot(path=shots / f"{name}.png")

        page.goto("/quickbooks/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/sandbox/qbd/**")
        page.click("#continue")
        page.click("#continue")
        page.click("#outcome-connect")
        page.wait_for_url(f"{base}/quickbooks/")
        status = page.inner_text(".conductor-status")
        _expect(status == "Connected", f"chromium: the settings page says {status!r}")
        _expect(page.locator(".messages").count() == 0, "chromium: no flash repeats the status")
        shoot("settings-connected")

        [end_user] = control(base, secret_key, "end_users")
        control(base, secret_key, "set_scenario", end_user_id=end_user["id"], scenario="not_active")
        page.goto("/quickbooks/?refresh=1")
        _shows(page, ".conductor-message", "chromium: Conductor's message")
        shoot("settings-error")

        control(base, secret_key, "set_faults", fault_rate=1, fault_kinds=["http_503"])
        page.goto("/quickbooks/?refresh=1")
        # The retried 503s outlast the page's inline wait: it says "checking", then the outage.
        _shows(page, ".conductor-status--unavailable", "chromium: outage")
        shoot("settings-unavailable")
        control(base, secret_key, "clear_faults")

        control(base, secret_key, "set_scenario", end_user_id=end_user["id"], scenario="not_set_up")
        page.goto("/quickbooks/?refresh=1")
        page.wait_for_url(f"{base}/sandbox/qbd/**")
        page.click("#continue")
        page.click("#continue")
        page.click("#outcome-abandon")
        page.click("#back-to-app")
        page.wait_for_url(f"{base}/quickbooks/")
        _expect(page.locator(".conductor-connect").count() == 1, "chromium: offers to connect")
        shoot("settings-not-connected")

        page.goto("/quickbooks/callback/?state=expired-or-forged")
        _expect(page.locator(".conductor-callback-error").count() == 1, "chromium: bad link page")
        shoot("callback-error")

        control(base, secret_key, "set_scenario", end_user_id=end_user["id"], scenario="connected")
        page.set_viewport_size({"width": 390, "height": 700})
        page.goto("/quickbooks/?refresh=1")
        shoot("settings-connected-phone")
        page.emulate_media(color_scheme="dark")
        page.goto("/quickbooks/?refresh=1")
        shoot("settings-connected-phone-dark")
        context.close()
        browser.close()
