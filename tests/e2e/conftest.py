"""The example project served by a live server with the sandbox mounted next to it, the app's
client pointed at that sandbox over real sockets, and two ways to play the user: ``visitor`` (a
``requests`` session that reads forms and CSRF tokens) and ``page`` (chromium via Playwright)."""

import os
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.core.cache import caches

from conductor_django.codat import clients as codat_clients
from conductor_django.codat import link
from conductor_django.codat.sandbox import control as codat_control

from ..live import server_requests_finished
from .browsers import browser_tab
from .chromium import CHROMIUM
from .journey import PASSWORD
from .pages import Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture
def app(transactional_db, live_server, settings):
    """The live server's URL, with the app's Conductor client talking to its sandbox."""
    # The database fixtures come first so that, when this is the session's first test, the live
    # server (session-scoped) stops before the test database is dropped.
    settings.CONDUCTOR = {**settings.CONDUCTOR, "API_BASE_URL": f"{live_server.url}/sandbox/v1"}
    settings.CONDUCTOR_SANDBOX = {"ENABLED": True}
    with server_requests_finished():
        yield live_server.url


def close_connections(session):
    """Close every pooled connection now. ``Session.close()`` alone only forgets urllib3's pools
    and leaves their sockets to garbage collection, which a retained traceback (a captured log
    record of a failed call) postpones past the test."""
    for adapter in session.adapters.values():
        pools = adapter.poolmanager.pools
        for key in pools.keys():
            pools[key].close()
    session.close()


class Visitor:
    """A browser without JavaScript: cookies, forms with their CSRF token, no automatic redirects
    so each hop can be checked."""

    def __init__(self, session, base_url):
        self.session = session
        self.base_url = base_url
        self.url = base_url

    def get(self, url, **params):
        self.url = urljoin(self.url, url)
        return self.session.get(self.url, params=params or None, allow_redirects=False)

    def follow(self, response):
        assert response.is_redirect, (response.status_code, response.text[:500])
        return self.get(response.headers["Location"])

    def page(self, response):
        return Page(response.text)

    def submit(self, form, **values):
        """POST (or GET) ``form`` from the current page, as a click on its submit button would."""
        data = {**form.fields, **values}
        url = urljoin(self.url, form.action or self.url)
        if form.method == "post":
            response = self.session.post(url, data=data, allow_redirects=False)
        else:
            response = self.session.get(url, params=data, allow_redirects=False)
        if not response.is_redirect:
            self.url = url
        return response

    def sign_up(self, username, company_name):
        page = self.page(self.get("/sign-up/"))
        return self.submit(
            page.form(containing="sign-up"),
            username=username,
            email=f"{username}@example.com",
            company_name=company_name,
            password1=PASSWORD,
            password2=PASSWORD,
        )


@pytest.fixture
def visitor(app):
    session = requests.Session()
    try:
        yield Visitor(session, app)
    finally:
        close_connections(session)


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(app, chromium, request):
    """A chromium tab; ``page.shoot(name)`` keeps a full-page screenshot under test-artifacts/."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shots = []
    with browser_tab(chromium, app, accept_downloads=True) as tab:

        def shoot(name):
            shots.append(name)
            tab.screenshot(path=folder / f"{len(shots):02d}-{name}.png", full_page=True)

        tab.shoot = shoot
        yield tab


@pytest.fixture
def codat(app, settings):
    """The app's Codat client talking to the Codat sandbox, companies created at sign-up, and
    the Portal's template leading back to the app's callback."""
    codat_control.reset()
    # The platform list and the refresh markers live in the cache the live server shares.
    caches["default"].clear()
    settings.CODAT = {
        "API_KEY": "codat_e2e_key_0123456789abcdef",
        "API_BASE_URL": f"{app}/codat-sandbox",
        "AUTO_PROVISION": True,
        "RETRY_BACKOFF": 0.01,
        "STATUS_CACHE_TTL": 0,
    }
    settings.CODAT_SANDBOX = {"ENABLED": True, "WEBHOOK_DELIVERY": "manual"}
    codat_control.set_redirect_url(link.redirect_template(f"{app}/codat/return/"))
    codat_control.set_sync_timing(queued_seconds=0, fetching_seconds=0)
    try:
        yield app
    finally:
        codat_clients.close_all()
        codat_control.clear_faults()
        caches["default"].clear()
