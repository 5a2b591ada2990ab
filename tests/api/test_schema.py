import pytest
from django.urls import URLPattern

from conductor_django.api import urls
from conductor_django.api.schema import document

from .conftest import url
from .openapi import check

IMPLEMENTED = {"get", "post", "put", "patch", "delete"}


def routes():
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
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
