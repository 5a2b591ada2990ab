"""The JSON API's one error contract, in every host shape (with and without rest_framework in
INSTALLED_APPS, wherever the API is mounted): every error answer, DRF's own included, is
{"error": {"code", "userFacingMessage", "requestId"}} with our sentence in the request's
language, whatever the host's REST_FRAMEWORK settings say."""

import logging

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytest.importorskip("rest_framework")
pytestmark = pytest.mark.django_db

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
HOST = "tests.shapes.drf_host"
MESSAGES = {
    "NOT_AUTHENTICATED": ("Please log in to continue.", "Veuillez vous connecter pour continuer."),
    "AUTHENTICATION_FAILED": (
        "We could not confirm who you are. Please log in again.",
        "Nous n’avons pas pu confirmer votre identité. Veuillez vous reconnecter.",
    ),
    "PERMISSION_DENIED": (
        "You are not allowed to do this. If you have just logged in or out, reload the page "
        "and try again.",
        "Vous n’êtes pas autorisé à faire ceci. Si vous venez de vous connecter ou de vous "
        "déconnecter, rechargez la page et réessayez.",
    ),
    "NOT_FOUND": ("There is nothing at this address.", "Il n’y a rien à cette adresse."),
    "METHOD_NOT_ALLOWED": (
        "This action is not available here.",
        "Cette action n’est pas disponible ici.",
    ),
    "NOT_ACCEPTABLE": (
        "This answer cannot be given in the format that was asked for.",
        "Cette réponse ne peut pas être donnée dans le format demandé.",
    ),
    "UNSUPPORTED_MEDIA_TYPE": (
        "The request was sent in a format that is not supported.",
        "La requête a été envoyée dans un format qui n’est pas pris en charge.",
    ),
    "INVALID_REQUEST": (
        "The request could not be understood. Please reload the page and try again.",
        "La requête n’a pas pu être comprise. Veuillez recharger la page et réessayer.",
    ),
    "THROTTLED": (
        "Too many requests. Please wait a moment and try again.",
        "Trop de requêtes. Veuillez patienter un instant, puis réessayer.",
    ),
    "INTERNAL_ERROR": (
        "Something went wrong on our side. Please try again later.",
        "Un problème est survenu de notre côté. Veuillez réessayer plus tard.",
    ),
    "NOT_ALLOWED": (
        "Only an administrator of your account can change its QuickBooks connection.",
        "Seul un administrateur de votre compte peut modifier sa connexion QuickBooks.",
    ),
    "INVALID_REDIRECT_URL": (
        "The address to return to after connecting must be on this site.",
        "L’adresse de retour après la connexion doit se trouver sur ce site.",
    ),
    "REQUEST_ERROR": (
        "The request could not be completed. Please try again.",
        "La requête n’a pas pu aboutir. Veuillez réessayer.",
    ),
}
LANGUAGES = {"en": 0, "fr": 1}


def api(name):
    return reverse(f"conductor_django_api:{name}")


def mount():
    return api("status").removesuffix("status/")


@pytest.fixture(autouse=True)
def locale_middleware(settings):
    """The host picks each request's language from Accept-Language."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.middleware.common.CommonMiddleware"), LOCALE_MIDDLEWARE
    )
    settings.MIDDLEWARE = middleware
    # LocaleMiddleware leaves the last request's language active in this thread.
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(params=sorted(LANGUAGES))
def language(request):
    return request.param


@pytest.fixture
def anonymous(language):
    return Client(headers={"Accept-Language": language})


@pytest.fixture
def member(shape, owner, language):
    """A logged-in user acting for ``owner``, whose unexpected errors reach the test as answers."""
    client = Client(raise_request_exception=False, headers={"Accept-Language": language})
    client.force_login(shape.make_user(owner))
    return client


@pytest.fixture
def rest_framework(settings):
    """Set the host's REST_FRAMEWORK settings for one test."""

    def configure(**values):
        settings.REST_FRAMEWORK = {**getattr(settings, "REST_FRAMEWORK", {}), **values}

    return configure


def assert_error(response, status, code, language):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": code,
            "userFacingMessage": MESSAGES[code][LANGUAGES[language]],
            "requestId": None,
        }
    }


def test_not_logged_in(anonymous, language, fake_conductor):
    for name, method in [("status", "get"), ("health-check", "post"), ("disconnect", "delete")]:
        response = getattr(anonymous, method)(api(name))
        # Session authentication has no challenge: DRF answers 403, as for its own views.
        assert_error(response, 403, "NOT_AUTHENTICATED", language)
    assert fake_conductor.calls == []


def test_not_logged_in_with_a_challenging_authentication_class(anonymous, language, rest_framework):
    rest_framework(DEFAULT_AUTHENTICATION_CLASSES=[f"{HOST}.HeaderTokenAuthentication"])
    response = anonymous.get(api("status"))
    assert_error(response, 401, "NOT_AUTHENTICATED", language)
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_credentials_never_show_the_authentication_class_text(
    anonymous, language, rest_framework
):
    rest_framework(DEFAULT_AUTHENTICATION_CLASSES=[f"{HOST}.HeaderTokenAuthentication"])
    response = anonymous.get(api("status"), headers={"Authorization": "Token a b"})
    assert_error(response, 401, "AUTHENTICATION_FAILED", language)


def test_wrong_basic_credentials(anonymous, language, fake_conductor):
    response = anonymous.get(api("status"), headers={"Authorization": "Basic YWxpY2U6d3Jvbmc="})
    assert_error(response, 403, "AUTHENTICATION_FAILED", language)


def test_missing_csrf_token(shape, owner, language, fake_conductor):
    browser = Client(enforce_csrf_checks=True, headers={"Accept-Language": language})
    browser.force_login(shape.make_user(owner))
    calls = len(fake_conductor.calls)
    response = browser.post(api("health-check"))
    # DRF's text here is "CSRF Failed: CSRF cookie not set.": not for an end-user.
    assert_error(response, 403, "PERMISSION_DENIED", language)
    assert len(fake_conductor.calls) == calls


@pytest.mark.parametrize("path", ["nope/", "", "status/extra/", "schema/../x/"])
def test_unknown_paths_under_the_mount(anonymous, language, path):
    response = anonymous.get(mount() + path)
    assert_error(response, 404, "NOT_FOUND", language)


def test_unknown_path_with_any_method(member, language):
    for method in ("post", "put", "delete", "options"):
        assert_error(getattr(member, method)(mount() + "nope/"), 404, "NOT_FOUND", language)


def test_a_route_without_its_slash_still_redirects(anonymous):
    response = anonymous.get(mount() + "status")
    assert response.status_code == 301
    assert response["Location"] == api("status")


def test_wrong_method(member, language):
    response = member.get(api("health-check"))
    assert_error(response, 405, "METHOD_NOT_ALLOWED", language)
    assert response["Allow"] == "POST, OPTIONS"
    assert_error(member.put(api("disconnect")), 405, "METHOD_NOT_ALLOWED", language)
    assert_error(member.post(api("schema")), 405, "METHOD_NOT_ALLOWED", language)


def test_head_and_options(member, anonymous, language):
    head = member.head(api("health-check"))
    assert (head.status_code, head["Content-Type"], head["Allow"]) == (
        405,
        "application/json",
        "POST, OPTIONS",
    )
    assert member.head(api("status")).status_code == 200
    assert_error(anonymous.options(api("status")), 403, "NOT_AUTHENTICATED", language)


def test_an_accept_header_without_json(member, language):
    response = member.get(api("status"), headers={"Accept": "application/xml"})
    assert_error(response, 406, "NOT_ACCEPTABLE", language)


def test_the_hosts_browsable_api_does_not_apply(member, anonymous, language, rest_framework):
    rest_framework(
        DEFAULT_RENDERER_CLASSES=[
            "rest_framework.renderers.BrowsableAPIRenderer",
            "rest_framework.renderers.JSONRenderer",
        ]
    )
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = anonymous.get(api("status"), headers={"Accept": browser_accept})
    assert_error(response, 403, "NOT_AUTHENTICATED", language)
    assert member.get(api("status"), headers={"Accept": browser_accept}).json()["status"]


def test_a_body_in_another_format(member, language, fake_conductor):
    response = member.post(api("auth-session"), "redirectUrl=/x/", content_type="text/plain")
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE", language)
    assert fake_conductor.auth_sessions == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"redirectUrl": "/after/"'),
        ("application/json", "\xff\xfe"),
        ("application/json", '["/after/"]'),
        ("application/json", '"/after/"'),
        ("application/json", '{"redirectUrl": ["/after/"]}'),
        ("application/json", '{"redirectUrl": 5}'),
        ("multipart/form-data", "--xyz\r\n"),
    ],
)
def test_a_body_that_does_not_parse_or_is_not_an_object(
    member, language, fake_conductor, content_type, body
):
    response = member.post(api("auth-session"), body, content_type=content_type)
    # Never the parser's text ("JSON parse error - Expecting ',' delimiter: line 1 column 26").
    assert_error(response, 400, "INVALID_REQUEST", language)
    assert fake_conductor.auth_sessions == []


def test_a_multipart_body_without_a_boundary_under_csrf_checks(shape, owner, language):
    # The CSRF check reads the form before DRF's parsers do: Django's parser raises there.
    browser = Client(enforce_csrf_checks=True, headers={"Accept-Language": language})
    browser.force_login(shape.make_user(owner))
    browser.cookies["csrftoken"] = "k" * 32
    response = browser.post(api("auth-session"), "--xyz\r\n", content_type="multipart/form-data")
    assert_error(response, 400, "INVALID_REQUEST", language)


def test_our_own_refusals(shape, owner, member, language, fake_conductor):
    response = member.post(
        api("auth-session"),
        {"redirectUrl": "https://evil.example/"},
        content_type="application/json",
    )
    assert_error(response, 400, "INVALID_REDIRECT_URL", language)
    if shape.everyone_manages:
        return
    clerk = Client(headers={"Accept-Language": language})
    clerk.force_login(shape.make_user(owner, admin=False))
    assert_error(clerk.post(api("disconnect")), 403, "NOT_ALLOWED", language)
    assert fake_conductor.auth_sessions == []


def test_throttled_with_retry_after(member, anonymous, language, rest_framework):
    cache.clear()
    rest_framework(DEFAULT_THROTTLE_CLASSES=[f"{HOST}.OnePerMinute"])
    assert member.get(api("status")).status_code == 200
    response = member.get(api("status"))
    assert_error(response, 429, "THROTTLED", language)
    assert 1 <= int(response["Retry-After"]) <= 60
    # The throttle is the host's: the public schema and unknown paths count too.
    cache.clear()
    anonymous.get(api("schema"))
    assert_error(anonymous.get(api("schema")), 429, "THROTTLED", language)


def test_the_hosts_exception_handler_does_not_apply(member, anonymous, language, rest_framework):
    rest_framework(EXCEPTION_HANDLER=f"{HOST}.host_exception_handler")
    assert_error(anonymous.get(api("status")), 403, "NOT_AUTHENTICATED", language)
    assert_error(member.post(api("schema")), 405, "METHOD_NOT_ALLOWED", language)
    assert_error(anonymous.get(mount() + "nope/"), 404, "NOT_FOUND", language)


def test_a_host_exception_without_a_code_of_ours(member, language, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_RESOLVER": f"{HOST}.locked_resolver"}
    assert_error(member.get(api("status")), 423, "REQUEST_ERROR", language)


def test_an_unexpected_exception_is_a_json_500_reported_like_any_500(
    member, language, settings, caplog
):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "OWNER_RESOLVER": f"{HOST}.broken_resolver"}
    reported = []

    def receiver(sender, request, **kwargs):
        reported.append(request.path)

    got_request_exception.connect(receiver)
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response = member.get(api("status"))
    finally:
        got_request_exception.disconnect(receiver)

    assert_error(response, 500, "INTERNAL_ERROR", language)
    assert "tenant_id_secret_column" not in response.content.decode()
    assert reported == [api("status")]
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and isinstance(record.exc_info[1], KeyError)
