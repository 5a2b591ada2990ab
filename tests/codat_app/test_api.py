"""The Codat API: the connections (recorded, or refreshed), the platforms, a connection to send
the browser to Link with, unlink, delete, refresh in the background; every failure the shared
error shape, never a 500 for Codat's."""

import pytest
from django.urls import reverse
from django.utils import translation

from conductor_django.codat.api.codes import ALL
from conductor_django.codat.api.schema import document
from conductor_django.codat.link import SESSION_KEY
from conductor_django.codat.models import CodatLink

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"conductor_codat_api:{name}", kwargs=kwargs or None)


@pytest.fixture
def api(client, owner):
    client.force_login(owner)
    return client


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {
        "code",
        "userFacingMessage",
        "requestId",
    }
    return body["error"]


def test_the_connections_as_recorded_without_calling_codat(codat, api, owner):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    calls = len(codat.calls)

    assert api.get(url("connections")).json() == {"connections": [], "canManage": True}
    assert len(codat.calls) == calls

    body = api.get(url("connections"), {"refresh": "1"}).json()
    [connection] = body["connections"]
    assert connection["platformName"] == "Xero" and connection["status"] == "Linked"
    assert connection["statusLabel"] == "Connected"
    assert connection["dataStatus"] is None or connection["dataStatus"] in ("queued", "complete")


def test_create_answers_the_link_with_our_state(codat, api, owner):
    response = api.post(
        url("connections"),
        {"platformKey": "gbol", "redirectUrl": "/books/"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["reused"] is False and body["replaced"] is None
    assert body["connection"]["status"] == "PendingAuth"
    [pending] = api.session[SESSION_KEY]
    assert body["linkUrl"].endswith(f"/start?state={pending['state']}")
    assert pending["next"] == "/books/" and pending["subject"] == body["connection"]["id"]
    assert CodatLink.objects.get().reason == CodatLink.Reason.API


def test_another_accounting_platform_is_a_409_saying_what_replacing_does(codat, api, owner):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    response = api.post(
        url("connections"), {"platformKey": "qhyg"}, content_type="application/json"
    )

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "ACCOUNTING_CONNECTED"
    assert "disconnects Xero" in error["userFacingMessage"]

    replaced = api.post(
        url("connections"),
        {"platformKey": "qhyg", "replace": True},
        content_type="application/json",
    )
    assert replaced.status_code == 201
    assert replaced.json()["replaced"]["platformKey"] == "gbol"


@pytest.mark.parametrize(
    "body, code",
    [
        ({"platformKey": "nope"}, "UNKNOWN_PLATFORM"),
        ({}, "INVALID_REQUEST"),
        ({"platformKey": "gbol", "redirectUrl": "https://evil.test/"}, "INVALID_REDIRECT_URL"),
        ({"platformKey": "gbol", "replace": "maybe"}, "INVALID_REQUEST"),
    ],
)
def test_bad_input_gets_a_clear_400(codat, api, body, code):
    response = api.post(url("connections"), body, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == code


def test_unlink_reconnect_and_delete(codat, api, owner):
    connection = codat.add_connection(owner.codat_company_id, "gbol", status="Linked")
    cid = connection["id"]

    unlinked = api.post(url("unlink", connection_id=cid))
    again = api.post(url("unlink", connection_id=cid))
    relink = api.post(url("reconnect", connection_id=cid))
    deleted = api.delete(url("connection", connection_id=cid))
    gone = api.delete(url("connection", connection_id=cid))

    assert (unlinked.status_code, unlinked.json()["status"]) == (200, "Unlinked")
    assert (again.status_code, error_of(again)["code"]) == (409, "NOT_LINKED")
    assert relink.status_code == 201 and relink.json()["reused"] is True
    assert deleted.json() == {"deleted": True}
    assert (gone.status_code, error_of(gone)["code"]) == (404, "CONNECTION_NOT_FOUND")


def test_refresh_is_queued_and_answers_202(codat, api, owner):
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    response = api.post(url("refresh"))

    assert response.status_code == 202
    assert response["Location"] == url("connections")
    # The default (immediate) backend ran it: the records hold what Codat said.
    [connection] = api.get(url("connections")).json()["connections"]
    assert connection["status"] == "Linked"


def test_the_platforms_to_pick_from(codat, api):
    body = api.get(url("integrations"), {"q": "quickbooks"}).json()

    assert {p["key"] for p in body["platforms"]} == {"qhyg", "pqsw"}
    assert all(p["brandedButtonRequired"] for p in body["platforms"])


@pytest.mark.parametrize("outage, status", [(503, 503), ("timeout", 503), (401, 502), (402, 502)])
def test_a_codat_failure_is_never_a_500(codat, api, outage, status):
    codat.outage(outage)

    response = api.post(
        url("connections"), {"platformKey": "gbol"}, content_type="application/json"
    )

    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == ("CODAT_UNAVAILABLE" if status == 503 else "CODAT_ERROR")
    if status == 503:
        assert int(response["Retry-After"]) >= 1


def test_a_company_being_created_is_a_503_with_retry_after(codat, client, make_user):
    codat.late_create()
    user = make_user()
    client.force_login(user)

    response = client.post(
        url("connections"), {"platformKey": "gbol"}, content_type="application/json"
    )

    assert response.status_code == 503
    assert error_of(response)["code"] == "PROVISIONING_IN_PROGRESS"
    assert int(response["Retry-After"]) > 1


def test_anonymous_and_unknown_paths_get_the_error_shape(client, codat):
    assert error_of(client.get(url("connections")))["code"] == "NOT_AUTHENTICATED"
    assert error_of(client.get(url("connections") + "nope/deeper/"))["code"] == "NOT_FOUND"


def test_the_document_covers_the_routes_and_every_code(client):
    body = client.get(url("schema")).json()

    assert body == document("http://testserver" + url("schema").removesuffix("schema/"))
    assert set(body["paths"]) == {
        "/connections/",
        "/connections/{connection_id}/",
        "/connections/{connection_id}/unlink/",
        "/connections/{connection_id}/reconnect/",
        "/refresh/",
        "/integrations/",
        "/schema/",
    }
    documented = {
        code
        for response in body["components"]["responses"].values()
        for code in response["content"]["application/json"]["schema"]["properties"]["error"][
            "properties"
        ]["code"].get("enum", [])
    }
    assert documented == {code.code for code in ALL}


def test_the_user_words_are_in_the_request_language(codat, api, owner, settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.common.CommonMiddleware"),
        "django.middleware.locale.LocaleMiddleware",
    )
    settings.MIDDLEWARE = middleware
    codat.add_connection(owner.codat_company_id, "gbol", status="Linked")

    response = api.post(
        url("connections"),
        {"platformKey": "qhyg"},
        content_type="application/json",
        headers={"Accept-Language": "fr"},
    )

    message = error_of(response)["userFacingMessage"]
    translation.activate("en")  # LocaleMiddleware leaves the request's language active
    assert message.startswith("Votre compte est déjà connecté à un logiciel comptable.")
    assert "déconnecte Xero" in message


def test_the_docs_list_every_code_with_its_statuses():
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "codat.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and re.fullmatch(r"\d{3}", cells[1]):
            rows[cells[0].strip("`")] = int(cells[1])
    for code in ALL:
        if code.code in rows:
            assert {rows[code.code]} == set(code.statuses), code.code
        else:
            assert f"`{code.code}`" in text, f"{code.code} is not in docs/codat.md"


@pytest.mark.parametrize(
    ("name", "body_type"),
    [("Connection", "ConnectionBody"), ("Link", "LinkBody"), ("Platform", "PlatformBody")],
)
def test_the_typed_bodies_match_the_document(name, body_type):
    from conductor_django.codat.api import representation

    schema = document()["components"]["schemas"][name]
    assert set(getattr(representation, body_type).__annotations__) == set(schema["required"])
