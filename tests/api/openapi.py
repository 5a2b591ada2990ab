"""Holds API responses to the OpenAPI document: a small checker for the subset it uses."""

from conductor_django.api.schema import document

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "null": type(None),
}


def _resolve(doc, node):
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = doc["components"][section][name]
    return node


def check(doc, schema, value, where="body"):
    schema = _resolve(doc, schema)
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        assert any(isinstance(value, TYPES[t]) for t in types), f"{where}: {value!r} not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict) and "properties" in schema:
        missing = set(schema.get("required", ())) - set(value)
        assert not missing, f"{where}: missing {sorted(missing)}"
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(schema["properties"])
            assert not extra, f"{where}: undocumented {sorted(extra)}"
        for name, item in value.items():
            if name in schema["properties"]:
                check(doc, schema["properties"][name], item, f"{where}.{name}")


def assert_documented(response, path, method):
    """The response's status is documented for the operation and its body matches."""
    doc = document()
    operation = doc["paths"][path][method.lower()]
    documented = operation["responses"]
    code = str(response.status_code)
    assert code in documented, f"{method} {path} answered undocumented {code}"
    spec = _resolve(doc, documented[code])
    check(doc, spec["content"]["application/json"]["schema"], response.json())
    for header in spec.get("headers", {}):
        assert header in response.headers, f"{method} {path} {code} lacks {header}"
