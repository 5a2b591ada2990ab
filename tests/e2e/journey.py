"""The steps of the QuickBooks journey that several tests walk, for the ``requests`` visitor."""

import time
from urllib.parse import urljoin

from conductor_django.sandbox import control

PASSWORD = "a-long-demo-passphrase"


def only_end_user():
    end_users = control.end_users()
    assert len(end_users) == 1, end_users
    return end_users[0]


def open_settings_expecting_flow(visitor, app):
    """Open /quickbooks/ and check it sends the browser to the sandbox's hosted flow."""
    response = visitor.get("/quickbooks/")
    assert response.status_code == 302, response.text[:500]
    auth_flow_url = response.headers["Location"]
    assert auth_flow_url.startswith(f"{app}/sandbox/qbd/auth_sess_client_secret_")
    return response


def walk_flow(visitor, response, outcome):
    """From the redirect to the hosted flow, click through its steps and pick ``outcome``
    (``connect``, ``wrong-permission`` or ``abandon``); returns the answer to that choice."""
    download = visitor.page(visitor.follow(response))
    qwc = visitor.session.get(urljoin(visitor.url, download.attr("download-qwc", "href")))
    assert qwc.status_code == 200
    assert "attachment" in qwc.headers["Content-Disposition"]
    assert "<QBWCXML>" in qwc.text

    password = visitor.page(visitor.get(download.attr("continue", "href")))
    assert password.attr("wc-password", "tag") == "span"
    authorize = visitor.page(visitor.get(password.attr("continue", "href")))
    assert "Allow access in QuickBooks" in authorize.text
    return visitor.submit(authorize.form(containing=f"outcome-{outcome}"))


def settle(visitor, response, timeout=30):
    """Follow a "checking" settings page as a browser without JavaScript does (its refresh
    reloads the page it names, after the seconds it says) until it shows an answer; returns the
    final response, which may be the redirect into the hosted flow."""
    deadline = time.monotonic() + timeout
    while response.status_code == 200 and 'data-conductor-outcome="checking"' in response.text:
        assert time.monotonic() < deadline, "the page never left 'checking'"
        refresh = visitor.page(response).refresh
        assert refresh is not None, "a checking page without its no-JS refresh"
        seconds, url = refresh
        # The page's own delay, shortened: what matters is where it goes, not how long it waits.
        time.sleep(min(seconds, 0.2))
        response = visitor.get(url)
    return response
