"""Request bodies. Each failure is a 400 whose ``error`` names the field (and whose
``validation.errors[0].itemId`` is the field). Unknown fields are ignored, as Codat's API does."""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .errors import bad_request

# The spec's CompanyRequestBody.name pattern; other characters are stripped, not refused.
_NAME_FORBIDDEN = re.compile(r"[^A-Za-z0-9\s\-',&@.?!]")
MAX_TAGS = 10
MAX_TAG_KEY = 27
MAX_TAG_VALUE = 100


def json_object(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body must be valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def _string(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"The field `{name}` is required.", name)
        return None
    if not isinstance(value, str):
        raise bad_request(f"The field `{name}` must be a string.", name)
    return value


def _tags(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request("The field `tags` must be an object of strings.", "tags")
    if len(value) > MAX_TAGS:
        raise bad_request(f"The field `tags` takes at most {MAX_TAGS} tags.", "tags")
    for key, item in value.items():
        if not 1 <= len(key) <= MAX_TAG_KEY:
            raise bad_request(
                f"The field `tags` takes names of 1 to {MAX_TAG_KEY} characters.", "tags"
            )
        if not isinstance(item, str) or len(item) > MAX_TAG_VALUE:
            raise bad_request(
                f"The field `tags` takes string values of at most {MAX_TAG_VALUE} characters.",
                "tags",
            )
    return dict(value)


@dataclass(frozen=True)
class CompanyBody:
    name: str
    description: str
    tags: dict[str, str]


def company_body(request: HttpRequest) -> CompanyBody:
    body = json_object(request)
    raw = _string(body, "name", required=True) or ""
    name = _NAME_FORBIDDEN.sub("", raw).strip()
    if not name:
        raise bad_request("The field `name` must contain letters or digits.", "name")
    description = _string(body, "description", required=False) or ""
    return CompanyBody(name=name, description=description, tags=_tags(body.get("tags")))


def connection_body(request: HttpRequest) -> str:
    body = json_object(request)
    key = _string(body, "platformKey", required=True) or ""
    if not key.strip():
        raise bad_request("The field `platformKey` is required.", "platformKey")
    return key.strip()


def unlink_body(request: HttpRequest) -> None:
    body = json_object(request)
    status = _string(body, "status", required=True)
    if status != "Unlinked":
        raise bad_request("The status can only be set to Unlinked.", "status")


@dataclass(frozen=True)
class ProfileBody:
    name: str
    redirect_url: str
    white_list_urls: list[str]
    confirm_company_name: bool


def profile_body(request: HttpRequest) -> ProfileBody:
    # "All fields should be included when updating your profile": name and redirectUrl are
    # required by the schema; the rest keep their defaults when left out.
    body = json_object(request)
    name = _string(body, "name", required=True) or ""
    redirect_url = _string(body, "redirectUrl", required=True) or ""
    urls = body.get("whiteListUrls") or []
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise bad_request("The field `whiteListUrls` must be a list of URLs.", "whiteListUrls")
    confirm = body.get("confirmCompanyName", False)
    if not isinstance(confirm, bool):
        raise bad_request("The field `confirmCompanyName` must be a boolean.", "confirmCompanyName")
    return ProfileBody(name, redirect_url, urls, confirm)
