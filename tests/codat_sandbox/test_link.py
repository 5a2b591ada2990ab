"""The hosted Link page: outcomes, the redirect template, one-time links."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from conductor_django.codat import catalog
from conductor_django.codat.sandbox import control
from conductor_django.codat.sandbox.models import Profile

from .conftest import link_path

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")

TEMPLATE = (
    "https://app.example.test/codat/return/{companyId}?code={statusCode}&error={errorMessage}"
    "&text={statusText}&platform={platform}&name={platformName}&type={sourceType}"
    "&integration={integrationId}&source={sourceId}&connection={connectionId}"
    "&client={clientId}&state={state}&missing={missing}"
)


@pytest.fixture
def company(api):
    return api.create_company("Acme & Sons")


@pytest.fixture
def connection(api, company):
    return api.create_connection(company["id"], "gbol")


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def choose(client: Client, path: str, outcome: str, **fields: str):
    """Open the Link page and press the outcome's button, as a browser does (CSRF included)."""
    page = client.get(path)
    assert page.status_code == 200, page.content
    token = str(page.context["csrf_token"])
    return client.post(path, {"outcome": outcome, "csrfmiddlewaretoken": token, **fields})


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


def test_the_page_names_the_platform_and_offers_every_outcome(connection):
    html = browser().get(link_path(connection)).content.decode()
    assert 'id="link-page" data-platform="gbol"' in html
    assert '<span id="platform-name">Xero</span>' in html
    assert "Acme &amp; Sons" in html
    for outcome in ("link", "already-linked", "cancel", "error", "not-supported"):
        assert f'id="outcome-{outcome}"' in html
    assert 'id="status-text"' in html and "csrfmiddlewaretoken" in html


def test_quickbooks_shows_intuits_button_with_its_hover_state(api, company):
    qbo = api.create_connection(company["id"], "qhyg")
    html = browser().get(link_path(qbo)).content.decode()
    assert 'class="branded"' in html
    assert "/assets/qhyg/button.svg" in html and "/assets/qhyg/button-hover.svg" in html


def test_link_redirects_through_the_template_with_every_placeholder(api, company, connection):
    control.set_redirect_url(TEMPLATE)
    path = link_path(connection) + "?state=abc%20123%2F%3F"
    response = choose(browser(), path, "link")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"https://app.example.test/codat/return/{company['id']}?")
    entry = catalog.integration("gbol")
    assert query(location) == {
        "code": "200",
        "error": "",
        "text": "",
        "platform": "gbol",
        "name": "Xero",
        "type": "Accounting",
        "integration": entry.integration_id,
        "source": entry.source_id,
        "connection": connection["id"],
        "client": Profile.load().client_id,
        "state": "abc 123/?",
        "missing": "",
    }
    # Values are URL-encoded, so the app's own state survives the trip exactly.
    assert "state=abc%20123%2F%3F" in location
    got = api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    assert got["status"] == "Linked"


@pytest.mark.parametrize(
    ("outcome", "code", "message", "status"),
    [
        ("already_linked", "201", "", "PendingAuth"),
        ("cancel", "403", "User cancelled.", "PendingAuth"),
        ("error", "500", "Unknown error occurred.", "PendingAuth"),
        ("not_supported", "501", "Not supported.", "PendingAuth"),
    ],
)
def test_other_outcomes(api, company, connection, outcome, code, message, status):
    control.set_redirect_url("https://app.example.test/back?code={statusCode}&e={errorMessage}")
    response = choose(browser(), link_path(connection), outcome)
    assert response.status_code == 302
    assert query(response["Location"]) == {"code": code, "e": message}
    got = api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    assert got["status"] == status
    errors = got.get("dataConnectionErrors", [])
    if outcome in ("cancel", "error"):
        assert [(e["statusCode"], e["status"]) for e in errors] == [(code, "Active")]
    else:
        assert errors == []


def test_error_carries_the_platforms_words_in_status_text(api, company, connection):
    control.set_redirect_url("https://app.example.test/back?t={statusText}")
    response = choose(browser(), link_path(connection), "error", status_text="Xero is down")
    assert query(response["Location"]) == {"t": "Xero is down"}
    got = api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    assert got["dataConnectionErrors"][0]["statusText"] == "Xero is down"


def test_linking_resolves_earlier_errors(api, company, connection):
    choose(browser(), link_path(connection), "cancel")
    choose(browser(), link_path(connection), "link")
    got = api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    assert got["status"] == "Linked"
    assert [e["status"] for e in got["dataConnectionErrors"]] == ["Resolved"]
    assert "resolvedOnUtc" in got["dataConnectionErrors"][0]


def test_without_a_template_codats_prebuilt_page_shows(connection):
    response = choose(browser(), link_path(connection), "cancel")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="link-done" data-status-code="403"' in html
    assert "User cancelled." in html


def test_template_from_settings_until_the_api_changes_it(settings, api, connection):
    settings.CODAT_SANDBOX = {**settings.CODAT_SANDBOX, "REDIRECT_URL": "https://s.test/{platform}"}
    assert choose(browser(), link_path(connection), "link")["Location"] == "https://s.test/gbol"
    api.put("/profile", {"name": "x", "redirectUrl": "https://p.test/{statusCode}"})
    assert choose(browser(), link_path(connection), "link")["Location"] == "https://p.test/200"


def test_one_time_links_work_once_and_keep_the_apps_parameters(api, company):
    control.set_one_time_links(True)
    control.set_redirect_url("https://app.example.test/back?state={state}&otp={otp}")
    connection = api.create_connection(company["id"])
    assert "?otp=" in connection["linkUrl"]
    # The app appends its state to a URL that already has a query string.
    path = link_path(connection) + "&state=s1"
    client = browser()
    response = choose(client, path, "link")
    assert query(response["Location"])["state"] == "s1"
    used = client.get(path)
    assert used.status_code == 410
    assert 'data-reason="used"' in used.content.decode()
    again = client.post(path, {"outcome": "link"})
    assert again.status_code in (403, 410)
    # Reading the connection hands out a new, working link.
    fresh = api.get(f"/companies/{company['id']}/connections/{connection['id']}").json()
    assert fresh["linkUrl"] != connection["linkUrl"]
    assert browser().get(link_path(fresh)).status_code == 200


def test_one_time_links_expire_and_need_their_token(api, company):
    control.set_one_time_links(True)
    connection = api.create_connection(company["id"])
    bare = link_path(connection).split("?")[0]
    assert 'data-reason="otp-invalid"' in browser().get(bare).content.decode()
    wrong = browser().get(bare + "?otp=nope")
    assert wrong.status_code == 403
    control.expire_link(connection["id"])
    expired = browser().get(link_path(connection))
    assert expired.status_code == 410
    assert 'data-reason="expired"' in expired.content.decode()


def test_unknown_and_deleted_connections(api, company, connection):
    assert browser().get("/codat-sandbox/link/companies/x/connections/y/start").status_code == 404
    api.delete(f"/companies/{company['id']}/connections/{connection['id']}")
    response = browser().get(link_path(connection))
    assert response.status_code == 404
    assert 'data-reason="unknown"' in response.content.decode()


def test_company_hosted_link_creates_the_chosen_connection(api, company):
    client = browser()
    path = company["redirect"].removeprefix("http://testserver") + "?state=s9"
    page = client.get(path)
    html = page.content.decode()
    assert 'id="integration-qhyg"' in html and 'id="integration-jfyh"' not in html
    token = str(page.context["csrf_token"])
    response = client.post(path, {"platform": "qhyg", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    [created] = api.get(f"/companies/{company['id']}/connections").json()["results"]
    assert created["integrationKey"] == "qhyg"
    assert response["Location"] == created["linkUrl"] + "?state=s9"
