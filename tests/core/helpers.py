"""Conductor payloads and settings helpers shared by the core tests."""

BASE_URL = "https://api.conductor.test/v1"
SECRET_KEY = "sk_conductor_test_secret_0123456789abcdef"
PUBLISHABLE_KEY = "pk_conductor_test_publishable_0123456789"


def end_user_json(id_="end_usr_1", source_id="1", created_at="2026-01-05T10:00:00.000Z", **extra):
    return {
        "id": id_,
        "objectType": "end_user",
        "createdAt": created_at,
        "companyName": "Alice's Bakery",
        "sourceId": source_id,
        "email": "alice@example.com",
        "integrationConnections": [],
        **extra,
    }


def error_json(
    status,
    code,
    type_,
    *,
    message="Something failed.",
    user_facing="Try again.",
    request_id="req_body_1",
    integration_code=None,
):
    error = {
        "message": message,
        "userFacingMessage": user_facing,
        "type": type_,
        "code": code,
        "httpStatusCode": status,
        "requestId": request_id,
    }
    if integration_code:
        error["integrationCode"] = integration_code
    return {"error": error}


def conductor_settings(settings, **values):
    settings.CONDUCTOR = {**settings.CONDUCTOR, **values}
