import re
from pathlib import Path
from typing import get_args, get_type_hints

import pytest
from django.urls import URLPattern

from conductor_django.api import codes, urls
from conductor_django.api.errors import ErrorBody, ErrorDetail
from conductor_django.api.representation import (
    AuthSessionBody,
    ConnectionStatusValue,
    DisconnectedBody,
    StatusBody,
)
from conductor_django.api.schema import document
from conductor_django.models import ConnectionStatus

from .conftest import url
from .openapi import check

IMPLEMENTED = {"get", "post", "put", "patch", "delete"}


def routes():
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "not-found":
            continue
        view = pattern.callback.view_class
        yield f"/{pattern.pattern}", {m for m in IMPLEMENTED if hasattr(view, m)}


@pytest.mark.parametrize(("path", "methods"), list(routes()))
def test_every_route_and_method_is_documented(path, methods):
    assert set(document()["paths"].get(path, {})) == methods


def test_nothing_documented_is_missing_from_the_urlconf():
    assert set(document()["paths"]) == {path for path, _methods in routes()}


def test_every_reference_resolves():
    doc = document()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                *_, section, name = node["$ref"].split("/")
                assert name in doc["components"][section], node["$ref"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


@pytest.mark.django_db
def test_schema_is_served_with_the_mount_point_as_server(client):
    response = client.get(url("schema"))
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "http://testserver/api/quickbooks/"}]
    assert doc["paths"] == document()["paths"]


def test_the_checker_rejects_an_undocumented_field():
    doc = document()
    with pytest.raises(AssertionError, match="undocumented"):
        check(doc, {"$ref": "#/components/schemas/Disconnected"}, {"disconnected": True, "x": 1})


def documented_codes(doc):
    """Each error code the document lists, with the statuses it is listed for."""
    found = {}
    for operations in doc["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                *_, name = response.get("$ref", "/").split("/")
                spec = doc["components"]["responses"].get(name, response)
                body = spec["content"]["application/json"]["schema"]
                code = body.get("properties", {}).get("error", {}).get("properties", {})
                for value in code.get("code", {}).get("enum", []):
                    found.setdefault(value, set()).add(status)
    return found


def test_every_error_code_is_documented_with_its_statuses():
    found = documented_codes(document())
    expected = {code.code: {str(s) for s in code.statuses} or {"default"} for code in codes.ALL}
    # A 502 carries Conductor's own code: its schema has no enum, its description names ours.
    del expected["CONDUCTOR_ERROR"]
    assert found == expected
    conductor_error = document()["components"]["responses"]["ConductorError"]
    assert "CONDUCTOR_ERROR" in conductor_error["description"]


def test_every_operation_documents_the_errors_any_route_can_answer():
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            missing = {"405", "406", "429", "500", "default"} - set(operation["responses"])
            assert not missing, f"{method} {path} lacks {sorted(missing)}"


def test_the_rest_api_docs_list_every_code_with_its_statuses():
    text = (Path(__file__).parents[2] / "docs" / "rest-api.md").read_text()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`"):
            rows[cells[1].strip("`")] = cells[0]
    for code in codes.ALL:
        assert code.code in rows, f"{code.code} is not in the table of docs/rest-api.md"
        statuses = {int(s) for s in re.findall(r"\d{3}", rows[code.code])}
        assert statuses == set(code.statuses), code.code


@pytest.mark.parametrize(
    ("name", "body_type"),
    [
        ("ConnectionStatus", StatusBody),
        ("AuthSession", AuthSessionBody),
        ("Disconnected", DisconnectedBody),
    ],
)
def test_the_typed_bodies_match_the_document(name, body_type):
    # Hosts type their use of the API with these TypedDicts: they must say what the API answers.
    schema = document()["components"]["schemas"][name]
    assert set(get_type_hints(body_type)) == set(schema["properties"])
    assert body_type.__required_keys__ == set(schema["required"])


def test_the_typed_error_body_matches_the_document():
    error = document()["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(get_type_hints(ErrorDetail)) == set(error["properties"]) == set(error["required"])
    assert set(get_type_hints(ErrorBody)) == {"error"}


def test_the_status_literal_lists_every_status():
    enum = document()["components"]["schemas"]["ConnectionStatus"]["properties"]["status"]["enum"]
    assert set(get_args(ConnectionStatusValue)) == set(enum) == set(ConnectionStatus.Status.values)
