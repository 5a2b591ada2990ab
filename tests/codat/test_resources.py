"""What each call sends and the typed result it returns, on the spec's own examples."""

import json
from datetime import UTC, datetime

import pytest

import conductor_django
from conductor_django.codat.client import (
    Branding,
    BrandingImage,
    Company,
    Connection,
    ConnectionStatus,
    DataConnectionError,
    DatasetStatus,
    DataStatus,
    Integration,
    Profile,
    SourceType,
)

from .payloads import (
    API_KEY,
    BASE_URL,
    COMPANY_ID,
    CONNECTION_ID,
    LINK_URL,
    company_json,
    connection_json,
    integration_json,
)

COMPANIES = f"{BASE_URL}/companies"
COMPANY = f"{COMPANIES}/{COMPANY_ID}"
CONNECTIONS = f"{COMPANY}/connections"
CONNECTION = f"{CONNECTIONS}/{CONNECTION_ID}"


def sent(rsps, index=0):
    return json.loads(rsps.calls[index].request.body)


# Companies


def test_create_company_sends_name_description_tags(rsps, codat):
    rsps.post(COMPANIES, json=company_json())

    company = codat.create_company(name="Technicalium", description="Owner 42", tags={"uid": "42"})

    assert sent(rsps) == {"name": "Technicalium", "description": "Owner 42", "tags": {"uid": "42"}}
    assert company == Company(
        id=COMPANY_ID,
        name="Technicalium",
        description="",
        created=datetime(2022, 11, 10, 10, 45, 18, 195052, tzinfo=UTC),
        last_sync=None,
        created_by_user_name="Dan Tzabar",
        tags={"uid": "42"},
        products=("spend-insights",),
        data_connections=(),
        redirect=f"https://link.codat.io/company/{COMPANY_ID}",
    )
    request = rsps.calls[0].request
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == f"conductor-django/{conductor_django.__version__}"


def test_create_company_sends_only_the_name_when_alone(rsps, codat):
    rsps.post(COMPANIES, json=company_json())

    codat.create_company(name="Technicalium")

    assert sent(rsps) == {"name": "Technicalium"}


def test_company_tags_are_read_only(rsps, codat):
    rsps.get(COMPANY, json=company_json())

    company = codat.get_company(COMPANY_ID)

    with pytest.raises(TypeError):
        company.tags["uid"] = "43"


def test_company_with_connections(rsps, codat):
    body = company_json(
        dataConnections=[connection_json(status="Linked")], lastSync="2022-01-01T12:30:00.000Z"
    )
    rsps.get(COMPANY, json=body)

    company = codat.get_company(COMPANY_ID)

    (connection,) = company.data_connections
    assert connection.status is ConnectionStatus.LINKED
    assert company.last_sync == datetime(2022, 1, 1, 12, 30, tzinfo=UTC)


def test_delete_company_expects_no_body(rsps, codat):
    rsps.delete(COMPANY, status=204)

    assert codat.delete_company(COMPANY_ID) is None

    assert rsps.calls[0].request.method == "DELETE"


# Connections


def test_create_connection_sends_the_platform_key(rsps, codat):
    rsps.post(CONNECTIONS, json=connection_json())

    connection = codat.create_connection(COMPANY_ID, platform_key="gbol")

    assert sent(rsps) == {"platformKey": "gbol"}
    assert connection == Connection(
        id=CONNECTION_ID,
        integration_id="bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        integration_key="gbol",
        source_id="bdd831ce-eebd-4896-89a7-20e5ee8989ee",
        source_type="Accounting",
        platform_name="Xero",
        status=ConnectionStatus.PENDING_AUTH,
        created=datetime(2022, 10, 27, 9, 53, 29, tzinfo=UTC),
        last_sync=datetime(2022, 10, 27, 10, 22, 43, 646423, tzinfo=UTC),
        data_connection_errors=(),
        connection_info={},
        link_url=LINK_URL,
    )
    assert connection.source_type == SourceType.ACCOUNTING
    assert connection.status == "PendingAuth"


@pytest.mark.parametrize("status", ["PendingAuth", "Linked", "Deauthorized", "Unlinked"])
def test_every_documented_connection_status(rsps, codat, status):
    rsps.get(CONNECTION, json=connection_json(status=status))

    assert codat.get_connection(COMPANY_ID, CONNECTION_ID).status.value == status


def test_connection_errors_parsed(rsps, codat):
    failure = {
        "statusCode": "401",
        "statusText": "Unauthorized",
        "errorMessage": "The user revoked access.",
        "erroredOnUtc": "2022-10-28T08:00:00Z",
        "status": "Active",
        "resolvedOnUtc": None,
    }
    body = connection_json(status="Deauthorized", dataConnectionErrors=[failure])
    rsps.get(CONNECTION, json=body)

    (error,) = codat.get_connection(COMPANY_ID, CONNECTION_ID).data_connection_errors

    assert error == DataConnectionError(
        status_code="401",
        status_text="Unauthorized",
        error_message="The user revoked access.",
        errored_on_utc=datetime(2022, 10, 28, 8, 0, tzinfo=UTC),
        status="Active",
        resolved_on_utc=None,
    )


def test_connection_without_optional_fields(rsps, codat):
    body = connection_json()
    for name in ("integrationKey", "lastSync"):
        del body[name]
    rsps.get(CONNECTION, json={**body, "dataConnectionErrors": None, "connectionInfo": None})

    connection = codat.get_connection(COMPANY_ID, CONNECTION_ID)

    assert connection.integration_key is None
    assert connection.last_sync is None
    assert connection.data_connection_errors == ()


def test_unlink_patches_the_status(rsps, codat):
    rsps.patch(CONNECTION, json=connection_json(status="Unlinked"))

    connection = codat.unlink_connection(COMPANY_ID, CONNECTION_ID)

    assert sent(rsps) == {"status": "Unlinked"}
    assert connection.status is ConnectionStatus.UNLINKED


def test_delete_connection_returns_the_connection_when_codat_sends_it(rsps, codat):
    rsps.delete(CONNECTION, json=connection_json(status="Unlinked"))

    deleted = codat.delete_connection(COMPANY_ID, CONNECTION_ID)

    assert isinstance(deleted, Connection)
    assert deleted.id == CONNECTION_ID


def test_delete_connection_with_an_empty_200(rsps, codat):
    rsps.delete(CONNECTION, status=200, body="")

    assert codat.delete_connection(COMPANY_ID, CONNECTION_ID) is None


# Integrations, branding, data status, profile


def test_get_integration(rsps, codat):
    rsps.get(
        f"{BASE_URL}/integrations/pqsw", json=integration_json("pqsw", isOfflineConnector=True)
    )

    integration = codat.get_integration("pqsw")

    assert integration == Integration(
        key="pqsw",
        name="Xero",
        logo_url="https://static.codat.io/public/officialLogos/Full/pqsw.png",
        enabled=True,
        source_id="8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
        source_type="Accounting",
        integration_id="497a18ca-284e-40c0-985d-f72be35d468e",
        is_offline_connector=True,
        is_beta=False,
        data_provided_by="Codat",
    )


def test_integration_with_only_required_fields(rsps, codat):
    body = {"key": "mqjo", "logoUrl": "https://x.test/l.png", "name": "Sandbox", "enabled": False}
    rsps.get(f"{BASE_URL}/integrations/mqjo", json=body)

    integration = codat.get_integration("mqjo")

    assert (integration.enabled, integration.is_offline_connector, integration.source_type) == (
        False,
        False,
        None,
    )


def test_branding_from_the_spec_example(rsps, codat):
    def image(src, alt):
        return {"image": {"src": src, "alt": alt}}

    body = {
        "logo": {
            "full": image("https://static.codat.io/full.png", "xero full icon"),
            "square": image("https://static.codat.io/square.png", "xero square icon"),
        },
        "button": {
            "default": image("https://static.codat.io/button.png", "xero default button icon"),
            "hover": image("https://static.codat.io/hover.png", "xero hover button icon"),
        },
        "sourceId": "35b92968-9851-4095-ad60-395c95cbcba4",
    }
    rsps.get(f"{BASE_URL}/integrations/gbol/branding", json=body)

    branding = codat.get_branding("gbol")

    assert branding == Branding(
        logo_full=BrandingImage("https://static.codat.io/full.png", "xero full icon"),
        logo_square=BrandingImage("https://static.codat.io/square.png", "xero square icon"),
        button_default=BrandingImage(
            "https://static.codat.io/button.png", "xero default button icon"
        ),
        button_hover=BrandingImage("https://static.codat.io/hover.png", "xero hover button icon"),
        source_id="35b92968-9851-4095-ad60-395c95cbcba4",
    )


def test_branding_without_buttons(rsps, codat):
    rsps.get(f"{BASE_URL}/integrations/gbol/branding", json={"logo": {"full": {}}})

    branding = codat.get_branding("gbol")

    assert (branding.logo_full, branding.button_default, branding.button_hover) == (None,) * 3


def test_data_status_by_data_type(rsps, codat):
    body = {
        "invoices": {
            "dataType": "invoices",
            "lastSuccessfulSync": "2022-01-01T00:00:00.000Z",
            "currentStatus": "Complete",
            "latestSyncId": "d03b6979-eb3b-447a-a27a-13cf457a9f48",
            "latestSuccessfulSyncId": "6883bba8-514d-423f-ba7f-c38285a80b7f",
        },
        "banking-accounts": {"dataType": "banking-accounts", "currentStatus": "Queued"},
        "bills": None,
    }
    rsps.get(f"{COMPANY}/dataStatus", json=body)

    statuses = codat.get_data_status(COMPANY_ID)

    assert statuses == {
        "invoices": DataStatus(
            data_type="invoices",
            current_status="Complete",
            last_successful_sync=datetime(2022, 1, 1, tzinfo=UTC),
            latest_sync_id="d03b6979-eb3b-447a-a27a-13cf457a9f48",
            latest_successful_sync_id="6883bba8-514d-423f-ba7f-c38285a80b7f",
        ),
        "banking-accounts": DataStatus("banking-accounts", "Queued", None, None, None),
    }
    assert statuses["banking-accounts"].current_status == DatasetStatus.QUEUED


def test_profile_reads_the_redirect_template_and_drops_the_api_key(rsps, codat):
    body = {
        "name": "Bob's Burgers",
        "logoUrl": "https://client-images.codat.io/logo/1.png",
        "iconUrl": "https://client-images.codat.io/icon/1.ico",
        "redirectUrl": "https://bobs-burgers.example/codat/{companyId}?state={state}",
        "whiteListUrls": ["https://bobs-burgers.example"],
        "apiKey": API_KEY,
        "confirmCompanyName": True,
    }
    rsps.get(f"{BASE_URL}/profile", json=body)

    profile = codat.get_profile()

    assert profile == Profile(
        name="Bob's Burgers",
        redirect_url="https://bobs-burgers.example/codat/{companyId}?state={state}",
        logo_url="https://client-images.codat.io/logo/1.png",
        icon_url="https://client-images.codat.io/icon/1.ico",
        white_list_urls=("https://bobs-burgers.example",),
    )
    assert API_KEY not in repr(profile)


def test_naive_timestamps_are_read_as_utc(rsps, codat):
    rsps.get(CONNECTION, json=connection_json(created="2021-11-15T01:00:00"))

    created = codat.get_connection(COMPANY_ID, CONNECTION_ID).created

    assert created == datetime(2021, 11, 15, 1, 0, tzinfo=UTC)
