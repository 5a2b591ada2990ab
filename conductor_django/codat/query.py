"""Codat's query language (``using-the-api/querying``), evaluated against JSON objects.

``propertyName=value`` with ``=``, ``!=``, ``~`` (contains), ``>``, ``<``, ``>=``, ``<=``; clauses
joined with ``&&`` and ``||``; ``{`` ``}`` group. Sub-properties use dots (``tags.region``); a
property inside an array matches when any element does (``dataConnections.status=Linked``).
String comparisons ignore case, as Codat's own guide relies on (``sourceType=accounting``).
A missing (null) value matches only ``!=``.

Unknown top-level properties and malformed queries raise ``QueryError`` with Codat's text.
"""

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from . import catalog

Predicate = Callable[[Mapping[str, Any]], bool]

_OPERATORS = ("!=", ">=", "<=", "=", "~", ">", "<")
_PATH = re.compile(r"^[A-Za-z_][\w\-]*(\.[A-Za-z_][\w\-]*)*$")
MAX_LENGTH = 2048


class QueryError(ValueError):
    """The query cannot be used; ``str(error)`` is the 400's ``error`` text."""


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    i, start = 0, 0
    while i < len(text):
        two = text[i : i + 2]
        if two in ("&&", "||") or text[i] in "{}":
            if text[start:i].strip():
                tokens.append(text[start:i].strip())
            width = 2 if two in ("&&", "||") else 1
            tokens.append(text[i : i + width])
            i += width
            start = i
        else:
            i += 1
    if text[start:].strip():
        tokens.append(text[start:].strip())
    return tokens


def _comparison(clause: str) -> tuple[str, str, str]:
    for i in range(len(clause)):
        for op in _OPERATORS:
            if clause.startswith(op, i):
                path, value = clause[:i].strip(), clause[i + len(op) :].strip()
                if not _PATH.match(path):
                    raise QueryError(catalog.MALFORMED_QUERY)
                return path, op, value
    raise QueryError(catalog.MALFORMED_QUERY)


def _resolve(obj: Any, parts: list[str]) -> list[Any]:
    """Every value at ``parts`` (several when the path crosses an array)."""
    values = [obj]
    for part in parts:
        found: list[Any] = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, Mapping):
                    key = next((k for k in item if k.lower() == part.lower()), None)
                    if key is not None:
                        found.append(item[key])
        values = found
    flat: list[Any] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    return flat


def _matches(actual: Any, op: str, expected: str) -> bool:
    if actual is None:
        return op == "!="
    if isinstance(actual, bool):
        text = "true" if actual else "false"
        return (text == expected.lower()) == (op == "=") if op in ("=", "!=") else False
    if isinstance(actual, int | float):
        try:
            number = float(expected)
        except ValueError:
            return op == "!="
        return {
            "=": actual == number,
            "!=": actual != number,
            ">": actual > number,
            "<": actual < number,
            ">=": actual >= number,
            "<=": actual <= number,
        }.get(op, False)
    left, right = str(actual).lower(), expected.lower()
    return {
        "=": left == right,
        "!=": left != right,
        "~": right in left,
        ">": left > right,
        "<": left < right,
        ">=": left >= right,
        "<=": left <= right,
    }[op]


def _clause(path: str, op: str, expected: str) -> Predicate:
    parts = path.split(".")

    def test(obj: Mapping[str, Any]) -> bool:
        values = _resolve(obj, parts)
        if not values:
            return op == "!="
        if op == "!=":
            return all(_matches(v, op, expected) for v in values)
        return any(_matches(v, op, expected) for v in values)

    return test


class _Parser:
    def __init__(self, tokens: list[str], known: Collection[str] | None, resource: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.known = {k.lower() for k in known} if known is not None else None
        self.resource = resource

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise QueryError(catalog.MALFORMED_QUERY)
        self.pos += 1
        return token

    def any_of(self) -> Predicate:
        terms = [self.all_of()]
        while self.peek() == "||":
            self.take()
            terms.append(self.all_of())
        return terms[0] if len(terms) == 1 else (lambda o: any(t(o) for t in terms))

    def all_of(self) -> Predicate:
        factors = [self.factor()]
        while self.peek() == "&&":
            self.take()
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else (lambda o: all(f(o) for f in factors))

    def factor(self) -> Predicate:
        token = self.take()
        if token == "{":
            inner = self.any_of()
            if self.take() != "}":
                raise QueryError(catalog.MALFORMED_QUERY)
            return inner
        if token in ("}", "&&", "||"):
            raise QueryError(catalog.MALFORMED_QUERY)
        path, op, value = _comparison(token)
        root = path.split(".")[0]
        if self.known is not None and root.lower() not in self.known:
            raise QueryError(catalog.unresolved_property(root, self.resource))
        return _clause(path, op, value)


def compile_query(
    text: str | None, *, resource: str, known: Collection[str] | None = None
) -> Predicate:
    """A predicate for ``text`` (everything matches when empty). ``known`` lists the top-level
    properties of ``resource``; others raise ``QueryError`` (None: accept any, as for tags)."""
    if not text or not text.strip():
        return lambda obj: True
    if len(text) > MAX_LENGTH:
        raise QueryError(catalog.MALFORMED_QUERY)
    parser = _Parser(_tokens(text), known, resource)
    predicate = parser.any_of()
    if parser.peek() is not None:
        raise QueryError(catalog.MALFORMED_QUERY)
    return predicate
