"""Readers for the fields of Codat's JSON: each raises ``ValueError`` naming the field, never a
``KeyError`` or ``TypeError``, so a malformed body becomes ``InvalidResponseError``. A null
counts as absent, as in the official SDK's models."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")


def json_object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def present(data: dict[str, Any], name: str) -> Any:
    if data.get(name) is None:
        raise ValueError(f"missing field {name}")
    return data[name]


def optional_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name}: expected a string, got {type(value).__name__}")
    return value


def required_str(data: dict[str, Any], name: str) -> str:
    present(data, name)
    value = optional_str(data, name)
    assert value is not None
    return value


def flag(data: dict[str, Any], name: str) -> bool:
    """An optional boolean: absent means False."""
    value = data.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{name}: expected a boolean, got {type(value).__name__}")
    return bool(value)


def required_bool(data: dict[str, Any], name: str) -> bool:
    present(data, name)
    return flag(data, name)


def integer(data: dict[str, Any], name: str) -> int:
    value = present(data, name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name}: expected an integer, got {type(value).__name__}")
    return value


def timestamp(data: dict[str, Any], name: str) -> datetime | None:
    """Codat's own timestamps are UTC; an unqualified one is read as UTC (the spec's
    ``DateTime``: "Unqualified local time" applies to synced business data, not to these)."""
    value = optional_str(data, name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not an ISO 8601 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def required_timestamp(data: dict[str, Any], name: str) -> datetime:
    present(data, name)
    moment = timestamp(data, name)
    assert moment is not None
    return moment


def str_map(data: dict[str, Any], name: str) -> Mapping[str, str]:
    """A read-only object of strings (``tags``, ``connectionInfo``); absent means empty."""
    value = data.get(name)
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise ValueError(f"{name}: expected an object of strings")
    return MappingProxyType(dict(value))


def array(data: dict[str, Any], name: str, parse: Callable[[Any], T]) -> tuple[T, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{name}: expected an array, got {type(value).__name__}")
    return tuple(parse(item) for item in value)


def strings(data: dict[str, Any], name: str) -> tuple[str, ...]:
    values = array(data, name, lambda item: item)
    if not all(isinstance(value, str) for value in values):
        raise ValueError(f"{name}: expected an array of strings")
    return values
