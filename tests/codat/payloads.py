"""Codat bodies as the Platform OpenAPI spec's own examples spell them (codat-docs,
static/oas/Codat-Platform.json), for the client tests."""

BASE_URL = "https://api.codat.test"
API_KEY = "ztHQGvnC4XN2CgUhaDWEG4ySLUJqWjp7zkbZkGHd"
COMPANY_ID = "ab12c58d-a678-4ebf-a159-ae99e1807bd0"
CONNECTION_ID = "ee2eb431-c0fa-4dc9-93fa-d29781c12bcd"
LINK_URL = (
    f"https://link-api.codat.io/companies/{COMPANY_ID}/connections/{CONNECTION_ID}/start"
    "?otp=s3cr3t-one-time"
)


def connection_json(**extra):
    return {
        "id": CONNECTION_ID,
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        "integrationKey": "gbol",
        "sourceId": "bdd831ce-eebd-4896-89a7-20e5ee8989ee",
        "platformName": "Xero",
        "linkUrl": LINK_URL,
        "status": "PendingAuth",
        "lastSync": "2022-10-27T10:22:43.6464237Z",
        "created": "2022-10-27T09:53:29Z",
        "sourceType": "Accounting",
        **extra,
    }


def company_json(id_=COMPANY_ID, created="2022-11-10T10:45:18.1950523Z", **extra):
    return {
        "id": id_,
        "name": "Technicalium",
        "description": "",
        "platform": "",
        "redirect": f"https://link.codat.io/company/{id_}",
        "dataConnections": [],
        "created": created,
        "createdByUserName": "Dan Tzabar",
        "products": ["spend-insights"],
        "tags": {"uid": "42"},
        "referenceSubsidiaryCompanies": [],
        **extra,
    }


def integration_json(key="gbol", name="Xero", **extra):
    return {
        "key": key,
        "logoUrl": f"https://static.codat.io/public/officialLogos/Full/{key}.png",
        "name": name,
        "enabled": True,
        "sourceId": "8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
        "sourceType": "Accounting",
        "integrationId": "497a18ca-284e-40c0-985d-f72be35d468e",
        "isOfflineConnector": False,
        "isBeta": False,
        "dataProvidedBy": "Codat",
        **extra,
    }


def page_json(results, *, page=1, page_size=100, total=None, path="/companies", more=False):
    links = {
        "self": {"href": path},
        "current": {"href": f"{path}?page={page}&pageSize={page_size}"},
    }
    if more:
        links["next"] = {"href": f"{path}?page={page + 1}&pageSize={page_size}"}
    if page > 1:
        links["previous"] = {"href": f"{path}?page={page - 1}&pageSize={page_size}"}
    return {
        "results": results,
        "pageNumber": page,
        "pageSize": page_size,
        "totalResults": len(results) if total is None else total,
        "_links": links,
    }


def error_json(status, error="Something failed.", **extra):
    return {
        "statusCode": status,
        "service": "PublicApi",
        "error": error,
        "correlationId": "bc997528a9d7abb9161ef45f05d38599",
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
        **extra,
    }
