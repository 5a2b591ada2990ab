"""Request body validation. Each failure is a 400 whose ``message`` names the field."""

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from .errors import invalid

LINK_EXPIRY_MIN = 15
LINK_EXPIRY_MAX = 10080  # 7 days
LINK_EXPIRY_DEFAULT = 30


class EndUserBody(TypedDict):
    companyName: str
    sourceId: str
    email: str


class AuthSessionBody(TypedDict):
    publishableKey: str
    endUserId: str
    linkExpiryMins: int | float
    redirectUrl: str | None


def json_object(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise invalid("The request body must be valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return body


def _check_keys(
    body: Mapping[str, Any], required: Sequence[str], optional: Sequence[str] = ()
) -> None:
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        raise invalid(f"Unrecognized field(s) in the request body: {names}.")
    for name in required:
        if name not in body or body[name] is None:
            raise invalid(f"The field `{name}` is required.")


def _non_empty_string(body: Mapping[str, Any], name: str) -> str:
    value = body[name]
    if not isinstance(value, str):
        raise invalid(f"The field `{name}` must be a string.")
    if not value.strip():
        raise invalid(f"The field `{name}` must not be empty.")
    return value


def end_user_body(request: HttpRequest) -> EndUserBody:
    body = json_object(request)
    _check_keys(body, ("companyName", "sourceId", "email"))
    data: EndUserBody = {
        "companyName": _non_empty_string(body, "companyName"),
        "sourceId": _non_empty_string(body, "sourceId"),
        "email": _non_empty_string(body, "email"),
    }
    try:
        validate_email(data["email"])
    except ValidationError:
        raise invalid("The field `email` must be a valid email address.") from None
    return data


def _link_expiry(value: object) -> int | float:
    # The OpenAPI types it as a number; booleans are ints in Python but not numbers in JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("The field `linkExpiryMins` must be a number.")
    if not LINK_EXPIRY_MIN <= value <= LINK_EXPIRY_MAX:
        raise invalid(
            f"The field `linkExpiryMins` must be between {LINK_EXPIRY_MIN} and "
            f"{LINK_EXPIRY_MAX} (7 days); got {value}."
        )
    return value


def _redirect_url(value: object) -> str:
    if not isinstance(value, str):
        raise invalid("The field `redirectUrl` must be a string.")
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in value)
    ):
        raise invalid("The field `redirectUrl` must be an absolute http(s) URL.")
    return value


def auth_session_body(request: HttpRequest) -> AuthSessionBody:
    body = json_object(request)
    _check_keys(body, ("publishableKey", "endUserId"), ("linkExpiryMins", "redirectUrl"))
    data: AuthSessionBody = {
        "publishableKey": _non_empty_string(body, "publishableKey"),
        "endUserId": _non_empty_string(body, "endUserId"),
        "linkExpiryMins": LINK_EXPIRY_DEFAULT,
        "redirectUrl": None,
    }
    if body.get("linkExpiryMins") is not None:
        data["linkExpiryMins"] = _link_expiry(body["linkExpiryMins"])
    if body.get("redirectUrl") is not None:
        data["redirectUrl"] = _redirect_url(body["redirectUrl"])
    return data
