"""Every error answer of the API is one the OpenAPI document lists for its route and status, with
a code the document names for that status. (tests/shapes/test_api_errors.py holds the answers
themselves to the contract in every host shape and language.)"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conductor_django.api.codes import ALL
from conductor_django.api.schema import document

from .openapi import assert_documented

pytestmark = pytest.mark.django_db
HOST = "tests.shapes.drf_host"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"


def url(name):
    return reverse(f"conductor_django_api:{name}")


@pytest.fixture
def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def not_authenticated(client, logged_in, settings):
    return client.get(url("status")), "/status/", "get"


def token_challenge(client, logged_in, settings):
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [f"{HOST}.HeaderTokenAuthentication"]
    }
    return client.post(url("health-check")), "/health-check/", "post"


def wrong_token(client, logged_in, settings):
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [f"{HOST}.HeaderTokenAuthentication"]
    }
    response = client.delete(url("disconnect"), headers={"Authorization": "Token x y"})
    return response, "/disconnect/", "delete"


def csrf(client, logged_in, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(logged_in.user)
    return browser.post(url("disconnect")), "/disconnect/", "post"


def wrong_method(client, logged_in, settings):
    return logged_in.get(url("auth-session")), "/auth-session/", "post"


def schema_wrong_method(client, logged_in, settings):
    return client.delete(url("schema")), "/schema/", "get"


def not_acceptable(client, logged_in, settings):
    return logged_in.get(url("status"), headers={"Accept": "text/csv"}), "/status/", "get"


def unsupported(client, logged_in, settings):
    response = logged_in.post(url("auth-session"), "x", content_type="application/xml")
    return response, "/auth-session/", "post"


def malformed(client, logged_in, settings):
    response = logged_in.post(url("auth-session"), "{", content_type="application/json")
    return response, "/auth-session/", "post"


def throttled(client, logged_in, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_CLASSES": [f"{HOST}.OnePerMinute"]}
    logged_in.post(url("health-check"))
    return logged_in.post(url("health-check")), "/health-check/", "post"


def unexpected(client, logged_in, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_RESOLVER": f"{HOST}.broken_resolver"}
    return logged_in.get(url("status")), "/status/", "get"


def host_status(client, logged_in, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_RESOLVER": f"{HOST}.locked_resolver"}
    return logged_in.get(url("status")), "/status/", "get"


CASES = [
    (not_authenticated, 403, "NOT_AUTHENTICATED"),
    (token_challenge, 401, "NOT_AUTHENTICATED"),
    (wrong_token, 401, "AUTHENTICATION_FAILED"),
    (csrf, 403, "PERMISSION_DENIED"),
    (wrong_method, 405, "METHOD_NOT_ALLOWED"),
    (schema_wrong_method, 405, "METHOD_NOT_ALLOWED"),
    (not_acceptable, 406, "NOT_ACCEPTABLE"),
    (unsupported, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (malformed, 400, "INVALID_REQUEST"),
    (throttled, 429, "THROTTLED"),
    (unexpected, 500, "INTERNAL_ERROR"),
    (host_status, 423, "REQUEST_ERROR"),
]


@pytest.mark.parametrize(("make", "status", "code"), CASES, ids=[c[0].__name__ for c in CASES])
def test_every_error_answer_is_documented(
    client, logged_in, user, settings, fake_conductor, make, status, code
):
    logged_in.user = user
    response, path, method = make(client, logged_in, settings)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    if status in {c for known in ALL for c in known.statuses}:
        assert_documented(response, path, method)
    else:
        # Any other status is the operation's "default" response.
        assert "default" in _operation(path, method)["responses"]


def _operation(path, method):
    return document()["paths"][path][method]


@pytest.fixture
def api_french(api, settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index(COMMON_MIDDLEWARE), "django.middleware.locale.LocaleMiddleware"
    )
    settings.MIDDLEWARE = middleware
    # LocaleMiddleware leaves the last request's language active in this thread.
    with translation.override(translation.get_language()):
        yield api


def test_conductor_message_in_english_and_ours_in_french(api_french, fake_conductor):
    fake_conductor.outage(401)
    # The check's failure is the answer of following it.
    asked = api_french.post(url("health-check"))
    english = api_french.get(asked["Location"]).json()["error"]
    french = api_french.get(asked["Location"], headers={"Accept-Language": "fr"}).json()["error"]
    assert english["code"] == french["code"] == "API_KEY_INVALID"
    # Conductor writes its userFacingMessage in English: a French user gets our sentence.
    assert english["userFacingMessage"] == "An internal server error occurred. Please try again."
    assert french["userFacingMessage"] == (
        "QuickBooks Desktop n’a pas pu traiter cette demande. Veuillez réessayer plus tard."
    )
    assert french["requestId"].startswith("req_")
