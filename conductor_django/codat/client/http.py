"""A client for the parts of Codat's Platform API the auth flow needs, on the shared transport.

Same time-outs and retry policy as the Conductor client (:mod:`conductor_django.transport`):
reads are retried on 5xx, 429 and dropped connections; a create or an unlink is re-sent only
after a 429 or a connection that was never established, because Codat has no idempotency keys
either. Unlike the official SDK, which retries for up to an hour by default, every call here is
bounded by ``max_retries`` and ``max_retry_wait``.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from ...transport import Transport
from . import errors
from .resources import (
    Branding,
    Company,
    Connection,
    ConnectionStatus,
    DataStatus,
    Integration,
    Page,
    Profile,
    data_statuses,
)

logger = logging.getLogger("conductor_django.codat.client")

DEFAULT_BASE_URL = "https://api.codat.io"
DEFAULT_PAGE_SIZE = 100
# Codat's query language: a tag value holding one of these would widen the filter.
_QUERY_OPERATORS = ("&", "|", "=", "~", "!", "(", ")")

R = TypeVar("R")


def authorization_header(api_key: str) -> str:
    """``Basic <base64 of the API key>``, Codat's scheme.

    The Portal shows the header value already encoded (``Basic MWE2...``); pasted as the key,
    it is used as it is rather than encoded twice. Anything else is taken as the raw key.
    """
    key = api_key.strip()
    if key[:6].lower() == "basic ":
        return "Basic " + key[6:].strip()
    return "Basic " + base64.b64encode(key.encode()).decode()


def _secrets_of(api_key: str, header: str) -> tuple[str, ...]:
    """Every form of the key an error body could echo: raw, encoded, the whole header."""
    token = header[6:]
    secrets = {api_key.strip(), token, header}
    try:
        decoded = base64.b64decode(token, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if len(decoded) >= 8:  # a real key, not a few bytes decoded from a mistyped header
        secrets.add(decoded)
    return tuple(secrets)


def _segment(value: str, name: str) -> str:
    """One path segment, escaped: an id can never reach another endpoint."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise ValueError(f"{name} must be a non-empty id, got {value!r}")
    return quote(value, safe="")


class CodatClient:
    """Codat's Platform API. Thread-safe; share one instance per process.

    ``api_key`` is the key from Codat's Portal, or the Portal's ready-made ``Basic …``
    authorization header value. ``base_url`` can point at any Codat-shaped server (the sandbox,
    a benchmark); pass a ``session`` to size its connection pool.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_retry_wait: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        if not api_key or not api_key.strip() or api_key.strip().lower() == "basic":
            raise ValueError("A Codat API key is required.")
        header = authorization_header(api_key)
        secrets = _secrets_of(api_key, header)
        self.transport = Transport(
            service="Codat",
            base_url=base_url,
            errors=errors.CodatErrors(secrets),
            logger=logger,
            headers={"Authorization": header},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_retries=max_retries,
            backoff=backoff,
            max_retry_wait=max_retry_wait,
            session=session,
        )

    def __repr__(self) -> str:
        return f"<CodatClient {self.transport.base_url}>"

    def close(self) -> None:
        """Close pooled connections now. The client stays usable: a later call reconnects."""
        self.transport.close()

    # Companies

    def create_company(
        self,
        *,
        name: str,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Company:
        """``POST /companies``. Codat strips forbidden characters from ``name`` and enforces
        no uniqueness: a create that timed out may still have happened (look it up by tag)."""
        body: dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        if tags:
            body["tags"] = dict(tags)
        return self._call(Company.from_api, "POST", "/companies", json=body)

    def get_company(self, company_id: str) -> Company:
        return self._call(Company.from_api, "GET", self._company(company_id))

    def delete_company(self, company_id: str) -> None:
        """``DELETE /companies/{id}`` (204): the company, its connections and its data."""
        self.transport.request("DELETE", self._company(company_id))

    def list_companies(
        self,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
        tags: str | None = None,
    ) -> Page[Company]:
        """One page of ``GET /companies``. ``query`` and ``tags`` are Codat query strings
        (``region=uk && team=lending``), sent URL-encoded."""
        params = _paging(page, page_size, query, order_by)
        params["tags"] = tags
        return self._page(Company.from_api, "/companies", params)

    def iter_companies(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
        tags: str | None = None,
    ) -> Iterator[Company]:
        """Every company matching, page after page."""
        return self._every(
            lambda page: self.list_companies(
                page=page, page_size=page_size, query=query, order_by=order_by, tags=tags
            )
        )

    def find_company_by_tag(self, key: str, value: str) -> Company | None:
        """The company tagged ``key=value``, or None: ``GET /companies?tags=key=value``.

        With several (a create that timed out, then another), the oldest: the one any earlier
        attempt would have stored. Only exact matches count, whatever the server's filter does.
        """
        for part, what in ((key, "tag key"), (value, "tag value")):
            if not part or any(operator in part for operator in _QUERY_OPERATORS):
                raise ValueError(f"{what} {part!r} is empty or holds a query operator")
        matches = [
            company
            for company in self.iter_companies(tags=f"{key}={value}")
            if company.tags.get(key) == value
        ]
        never = datetime.max.replace(tzinfo=UTC)
        return min(matches, key=lambda c: (c.created or never, c.id)) if matches else None

    # Connections

    def create_connection(self, company_id: str, *, platform_key: str) -> Connection:
        """``POST /companies/{id}/connections``: a connection in ``PendingAuth`` whose
        ``link_url`` the customer follows to authorize it."""
        return self._call(
            Connection.from_api,
            "POST",
            f"{self._company(company_id)}/connections",
            json={"platformKey": platform_key},
        )

    def list_connections(
        self,
        company_id: str,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
    ) -> Page[Connection]:
        return self._page(
            Connection.from_api,
            f"{self._company(company_id)}/connections",
            _paging(page, page_size, query, order_by),
        )

    def iter_connections(
        self,
        company_id: str,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
    ) -> Iterator[Connection]:
        return self._every(
            lambda page: self.list_connections(
                company_id, page=page, page_size=page_size, query=query, order_by=order_by
            )
        )

    def get_connection(self, company_id: str, connection_id: str) -> Connection:
        return self._call(Connection.from_api, "GET", self._connection(company_id, connection_id))

    def unlink_connection(self, company_id: str, connection_id: str) -> Connection:
        """``PATCH`` to ``Unlinked``: no more syncs, the data already read stays. Codat only
        unlinks a ``Linked`` connection."""
        return self._call(
            Connection.from_api,
            "PATCH",
            self._connection(company_id, connection_id),
            json={"status": ConnectionStatus.UNLINKED.value},
        )

    def delete_connection(self, company_id: str, connection_id: str) -> Connection | None:
        """``DELETE`` a connection, irreversibly: linking again needs a new one.

        Codat answers 200. The spec and the official SDK document no body for it
        (``delete-connection``: ``"200": {"description": "OK"}``); when the body is the deleted
        connection, it is returned, else None.
        """
        response = self.transport.request("DELETE", self._connection(company_id, connection_id))
        if not response.content.strip():
            return None
        return self._parse(Connection.from_api, self.transport.json_of(response))

    # Integrations

    def list_integrations(
        self,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
    ) -> Page[Integration]:
        """One page of ``GET /integrations``; e.g. ``query="sourceType=Accounting&&enabled=true"``
        for the accounting platforms enabled for this client."""
        return self._page(
            Integration.from_api, "/integrations", _paging(page, page_size, query, order_by)
        )

    def iter_integrations(
        self,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: str | None = None,
        order_by: str | None = None,
    ) -> Iterator[Integration]:
        return self._every(
            lambda page: self.list_integrations(
                page=page, page_size=page_size, query=query, order_by=order_by
            )
        )

    def get_integration(self, platform_key: str) -> Integration:
        return self._call(
            Integration.from_api, "GET", f"/integrations/{_segment(platform_key, 'platform_key')}"
        )

    def get_branding(self, platform_key: str) -> Branding:
        """Logos and buttons. Cache them: Codat asks not to fetch these per page view."""
        return self._call(
            Branding.from_api,
            "GET",
            f"/integrations/{_segment(platform_key, 'platform_key')}/branding",
        )

    # Data status and profile

    def get_data_status(self, company_id: str) -> dict[str, DataStatus]:
        """Each data type's sync state, by data type (``invoices``, ``banking-accounts`` …)."""
        return self._call(data_statuses, "GET", f"{self._company(company_id)}/dataStatus")

    def get_profile(self) -> Profile:
        """``GET /profile``; its ``redirect_url`` is the client-wide redirect template."""
        return self._call(Profile.from_api, "GET", "/profile")

    # Plumbing

    @staticmethod
    def _company(company_id: str) -> str:
        return f"/companies/{_segment(company_id, 'company_id')}"

    def _connection(self, company_id: str, connection_id: str) -> str:
        return f"{self._company(company_id)}/connections/{_segment(connection_id, 'connection_id')}"

    def _call(self, parse: Callable[[Any], R], method: str, path: str, **kwargs: Any) -> R:
        return self._parse(parse, self.transport.request_json(method, path, **kwargs))

    def _page(
        self, parse: Callable[[Any], R], path: str, params: dict[str, str | int | None]
    ) -> Page[R]:
        data = self.transport.request_json("GET", path, params=params)
        return self._parse(lambda body: Page.from_api(body, parse), data)

    @staticmethod
    def _every(fetch: Callable[[int], Page[R]]) -> Iterator[R]:
        page_number = 1
        while True:
            page = fetch(page_number)
            yield from page.results
            # An empty page ends the walk too: a server that always says "next" cannot loop us.
            if not page.has_next or not page.results:
                return
            page_number += 1

    @staticmethod
    def _parse(parse: Callable[[Any], R], data: Any) -> R:
        try:
            return parse(data)
        except (ValueError, TypeError) as exc:
            raise errors.InvalidResponseError(
                f"Codat's answer is not in the documented shape: {exc}"
            ) from None


def _paging(
    page: int, page_size: int, query: str | None, order_by: str | None
) -> dict[str, str | int | None]:
    if page < 1:
        raise ValueError("Codat's pages start at 1.")
    if not 1 <= page_size <= 5000:
        raise ValueError("Codat's pageSize is between 1 and 5000.")
    return {"page": page, "pageSize": page_size, "query": query, "orderBy": order_by}
