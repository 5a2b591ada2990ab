"""The emulated Platform API: Codat's shapes, statuses and errors."""

import pytest

from conductor_django.codat import catalog

from .conftest import API_KEY, assert_error, basic

pytestmark = pytest.mark.urls("tests.codat_sandbox.urls")


def test_create_company_answers_codats_company(api):
    company = api.create_company("Acme Ltd", description="cust_42", tags={"ownerId": "42"})
    assert set(company) >= {"id", "name", "redirect", "created", "dataConnections", "tags"}
    assert company["name"] == "Acme Ltd"
    assert company["description"] == "cust_42"
    assert company["tags"] == {"ownerId": "42"}
    assert company["dataConnections"] == []
    assert company["redirect"] == f"http://testserver/codat-sandbox/link/company/{company['id']}"
    assert company["created"].endswith("Z")
    assert len(company["id"]) == 36 and company["id"].count("-") == 4
    assert api.get(f"/companies/{company['id']}").json() == company


def test_forbidden_characters_are_stripped_from_the_name(api):
    # The spec's own example: "Company (Codat[1])" is created as "Company Codat1".
    assert api.create_company("Company (Codat[1])")["name"] == "Company Codat1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": 42}, "name"),
        ({"name": "()[]"}, "name"),
        ({"name": "Acme", "tags": {"k": 1}}, "tags"),
        ({"name": "Acme", "tags": {f"k{i}": "v" for i in range(11)}}, "tags"),
        ({"name": "Acme", "tags": {"x" * 28: "v"}}, "tags"),
        ({"name": "Acme", "description": ["x"]}, "description"),
    ],
)
def test_bad_company_bodies_are_400_naming_the_field(api, body, field):
    error = assert_error(api.post("/companies", body), 400)
    assert f"`{field}`" in error["error"] or field in error["error"]
    assert error["validation"]["errors"][0]["itemId"] == field
    assert api.get("/companies").json()["totalResults"] == 0


def test_a_body_that_is_not_json_is_400(api):
    assert "valid JSON" in assert_error(api.post("/companies", raw="{nope"), 400)["error"]


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic " + "d3Jvbmc=", f"Basic {API_KEY}", f"Bearer {API_KEY}"],
)
def test_anything_but_basic_base64_of_the_key_is_401(client, db, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/codat-sandbox/companies", headers=headers)
    assert assert_error(response, 401)["error"] == "Unauthorized"


def test_the_key_is_checked_against_the_setting(client, db, settings):
    settings.CODAT_SANDBOX = {"ENABLED": True, "API_KEY": "other"}
    response = client.get("/codat-sandbox/companies", headers={"Authorization": basic()})
    assert response.status_code == 401
    response = client.get("/codat-sandbox/companies", headers={"Authorization": basic("other")})
    assert response.status_code == 200


def test_key_defaults_to_the_codat_setting(client, db, settings):
    settings.CODAT_SANDBOX = {"ENABLED": True}
    settings.CODAT = {"API_KEY": "from-codat-settings"}
    headers = {"Authorization": basic("from-codat-settings")}
    assert client.get("/codat-sandbox/integrations", headers=headers).status_code == 200


def test_disabled_sandbox_answers_404_everywhere(client, db, settings):
    settings.CODAT_SANDBOX = {"API_KEY": API_KEY}
    settings.DEBUG = False
    for path in ("", "companies", "control/", "assets/gbol/button.svg", "link/company/x"):
        assert client.get(f"/codat-sandbox/{path}").status_code == 404, path


def test_unknown_ids_are_codats_404s(api):
    body = assert_error(api.get("/companies/nope"), 404, service="ClientsApi")
    assert body["error"] == "No company was found with ID nope"
    company = api.create_company()
    body = assert_error(api.get(f"/companies/{company['id']}/connections/nope"), 404)
    assert body["error"] == "Data connection nope not found"
    assert assert_error(api.get("/integrations/zzzz"), 404)["error"].endswith("zzzz")


def test_unknown_routes_and_methods(api):
    assert_error(api.get("/nothing/here"), 404)
    response = api.put("/companies", {"name": "x"})
    assert_error(response, 405)
    assert response["Allow"] == "GET, POST"


def test_delete_company_is_204_and_removes_its_connections(api):
    company = api.create_company()
    api.create_connection(company["id"])
    response = api.delete(f"/companies/{company['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert_error(api.get(f"/companies/{company['id']}"), 404, service="ClientsApi")
    assert_error(api.get(f"/companies/{company['id']}/connections"), 404, service="ClientsApi")


def test_create_connection_is_pending_auth_with_a_link_url(api):
    company = api.create_company()
    connection = api.create_connection(company["id"], "qhyg")
    entry = catalog.integration("qhyg")
    assert connection["status"] == "PendingAuth"
    assert connection["integrationKey"] == "qhyg"
    assert connection["platformName"] == "QuickBooks Online"
    assert connection["integrationId"] == entry.integration_id
    assert connection["sourceId"] == entry.source_id
    assert connection["sourceType"] == "Accounting"
    assert connection["linkUrl"] == (
        f"http://testserver/codat-sandbox/link/companies/{company['id']}"
        f"/connections/{connection['id']}/start"
    )
    listed = api.get(f"/companies/{company['id']}")
    assert listed.json()["dataConnections"] == [connection]


def test_connection_bodies(api):
    company = api.create_company()
    path = f"/companies/{company['id']}/connections"
    assert assert_error(api.post(path, {}), 400)["validation"]["errors"][0]["itemId"] == (
        "platformKey"
    )
    assert_error(api.post(path, {"platformKey": "zzzz"}), 404)
    disabled = next(i for i in catalog.INTEGRATIONS if not i.enabled)
    assert (
        "not enabled" in assert_error(api.post(path, {"platformKey": disabled.key}), 400)["error"]
    )


def test_one_accounting_connection_per_company(api):
    from conductor_django.codat.sandbox import control

    company = api.create_company()
    xero = api.create_connection(company["id"], "gbol")
    # PendingAuth does not block: the user may pick again.
    qbo = api.create_connection(company["id"], "qhyg")
    control.complete_link(xero["id"])
    path = f"/companies/{company['id']}/connections"
    refused = assert_error(api.post(path, {"platformKey": "akxx"}), 400)
    assert xero["id"] in refused["error"] and "one accounting" in refused["error"]
    # Banking and commerce connections are not limited.
    assert api.create_connection(company["id"], "dfxm")["sourceType"] == "Banking"
    assert api.create_connection(company["id"], "vjms")["sourceType"] == "Banking"
    # Linking the other pending accounting connection fails on the Link page.
    result = control.complete_link(qbo["id"])
    assert (result["statusCode"], result["statusText"]) == (500, catalog.SECOND_ACCOUNTING_TEXT)
    # After unlinking, the company may switch.
    assert api.patch(f"{path}/{xero['id']}", {"status": "Unlinked"}).status_code == 200
    assert api.create_connection(company["id"], "akxx")["platformName"] == "Oracle NetSuite"


def test_unlink_only_a_linked_connection(api):
    from conductor_django.codat.sandbox import control

    company = api.create_company()
    connection = api.create_connection(company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}"
    refused = assert_error(api.patch(path, {"status": "Unlinked"}), 400)
    assert "PendingAuth" in refused["error"]
    control.complete_link(connection["id"])
    assert_error(api.patch(path, {"status": "Linked"}), 400)
    unlinked = api.patch(path, {"status": "Unlinked"})
    assert unlinked.status_code == 200
    assert unlinked.json()["status"] == "Unlinked"
    assert api.get(path).json()["status"] == "Unlinked"


def test_delete_connection_answers_200_with_the_connection(api):
    company = api.create_company()
    connection = api.create_connection(company["id"])
    path = f"/companies/{company['id']}/connections/{connection['id']}"
    response = api.delete(path)
    assert response.status_code == 200
    assert response.json() == connection
    assert_error(api.get(path), 404)


def test_integrations_and_branding(api, client):
    listing = api.get("/integrations").json()
    assert listing["totalResults"] == len(catalog.INTEGRATIONS)
    by_key = {i["key"]: i for i in listing["results"]}
    assert by_key["pqsw"]["isOfflineConnector"] is True
    assert by_key["gbol"]["name"] == "Xero" and by_key["mqjo"]["name"] == "Sandbox"
    assert by_key["gbol"]["integrationId"] == "0f20c943-12d0-4800-9f6c-d218f62d494c"
    assert {"key", "logoUrl", "name", "enabled"} <= set(by_key["gbol"])
    assert api.get("/integrations/qhyg").json() == by_key["qhyg"]

    branding = api.get("/integrations/qhyg/branding").json()
    assert set(branding) == {"logo", "button", "sourceId"}
    images = [
        branding["logo"]["full"]["image"],
        branding["logo"]["square"]["image"],
        branding["button"]["default"]["image"],
        branding["button"]["hover"]["image"],
    ]
    for image in [*images, {"src": by_key["qhyg"]["logoUrl"]}]:
        response = client.get(image["src"].removeprefix("http://testserver"))
        assert response.status_code == 200, image
        assert response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content
    default = client.get(images[2]["src"].removeprefix("http://testserver")).content
    hover = client.get(images[3]["src"].removeprefix("http://testserver")).content
    # Intuit's button, with a hover state of its own.
    assert b"Connect to QuickBooks" in default and default != hover
    assert client.get("/codat-sandbox/assets/gbol/nope.svg").status_code == 404


def test_profile_get_and_put(api, settings):
    settings.CODAT_SANDBOX = {
        **settings.CODAT_SANDBOX,
        "REDIRECT_URL": "https://a.test/{companyId}",
    }
    profile = api.get("/profile").json()
    assert profile["redirectUrl"] == "https://a.test/{companyId}"
    assert "apiKey" not in profile
    assert_error(api.put("/profile", {"name": "x"}), 400)
    body = {"name": "Acme lending", "redirectUrl": "https://b.test/back?s={statusCode}"}
    assert api.put("/profile", body).json()["redirectUrl"] == body["redirectUrl"]
    assert api.get("/profile").json()["name"] == "Acme lending"
