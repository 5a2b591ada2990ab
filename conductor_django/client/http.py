"""A small client for the parts of Conductor's API this app uses, on the shared transport.

It differs from the official SDK where that SDK hurts a web app: it never retries a 4xx other
than 429 (a 409 "not set up" will not change by asking again), never replays a POST that may
have reached Conductor (there are no idempotency keys, so a replay can create a second
end-user), and puts Conductor's error fields on the exception as attributes. The retry policy
itself is :mod:`conductor_django.transport`'s.
"""

from __future__ import annotations

import logging
import time  # noqa: F401 - kept importable: tests patch client.http.time.sleep to record waits
from typing import Any, Protocol, Self, TypeVar

import requests

from ..transport import Transport, redact, retry_after_seconds
from . import errors
from .resources import AuthSession, DeletedEndUser, EndUser, HealthCheck

logger = logging.getLogger("conductor_django.client")

DEFAULT_BASE_URL = "https://api.conductor.is/v1"
REQUEST_ID_HEADER = "Conductor-Request-Id"
END_USER_HEADER = "Conductor-End-User-Id"


class _Resource(Protocol):
    """What every class of :mod:`.resources` has."""

    @classmethod
    def from_api(cls, data: object) -> Self: ...


R = TypeVar("R", bound=_Resource)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class _ConductorErrors:
    """Conductor's error envelope, ``{"error": {...}}``, as :mod:`.errors` exceptions."""

    def __init__(self, secret_key: str) -> None:
        self._secret_key = secret_key

    def network_error(self, exc: requests.RequestException) -> errors.ConductorError:
        if isinstance(exc, requests.Timeout):
            return errors.TimeoutError("Conductor did not answer in time.")
        return errors.NetworkError(f"Could not reach Conductor ({type(exc).__name__}).")

    def invalid_response(self, response: requests.Response) -> errors.ConductorError:
        return errors.InvalidResponseError(
            f"Conductor answered HTTP {response.status_code} with a body that is not the "
            f"documented JSON (Content-Type: {response.headers.get('Content-Type', 'none')}).",
            http_status_code=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
        )

    def api_error(self, response: requests.Response) -> errors.ConductorError:
        try:
            body = response.json()
        except ValueError:
            body = None
        envelope = body.get("error") if isinstance(body, dict) else None
        if not isinstance(envelope, dict):
            return self.invalid_response(response)
        status = response.status_code
        # A proxy or a bug upstream can put anything in the envelope: keep only strings.
        code = _text(envelope.get("code"))
        type_ = _text(envelope.get("type"))
        declared_status = envelope.get("httpStatusCode")
        error = errors.api_error_class(code, type_, status)(
            redact(_text(envelope.get("message")) or f"HTTP {status}", (self._secret_key,)),
            code=code,
            type=type_,
            user_facing_message=_text(envelope.get("userFacingMessage")),
            http_status_code=declared_status
            if isinstance(declared_status, int) and not isinstance(declared_status, bool)
            else status,
            integration_code=_text(envelope.get("integrationCode")),
            request_id=_text(envelope.get("requestId")) or response.headers.get(REQUEST_ID_HEADER),
        )
        if isinstance(error, errors.RateLimitError):
            error.retry_after = retry_after_seconds(response)
        return error


class ConductorClient:
    """Conductor's REST API. Thread-safe; share one instance per process."""

    def __init__(
        self,
        secret_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        health_check_timeout: float = 15.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_retry_wait: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        if not secret_key:
            raise ValueError("A Conductor secret key is required.")
        self.health_check_timeout = health_check_timeout
        self._transport = Transport(
            service="Conductor",
            base_url=base_url,
            errors=_ConductorErrors(secret_key),
            logger=logger,
            headers={"Authorization": f"Bearer {secret_key}"},
            request_id_header=REQUEST_ID_HEADER,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_retries=max_retries,
            backoff=backoff,
            max_retry_wait=max_retry_wait,
            session=session,
        )

    def __repr__(self) -> str:
        return f"<ConductorClient {self.base_url}>"

    # The transport's settings, read-only: they were fixed when the client was built.

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def connect_timeout(self) -> float:
        return self._transport.connect_timeout

    @property
    def read_timeout(self) -> float:
        return self._transport.read_timeout

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    @property
    def backoff(self) -> float:
        return self._transport.backoff

    @property
    def max_retry_wait(self) -> float:
        return self._transport.max_retry_wait

    @property
    def session(self) -> requests.Session:
        return self._transport.session

    @property
    def user_agent(self) -> str:
        return self._transport.user_agent

    def close(self) -> None:
        """Close pooled connections now. The client stays usable: a later call reconnects."""
        self._transport.close()

    # End-users

    def create_end_user(self, *, company_name: str, source_id: str, email: str) -> EndUser:
        body = {"companyName": company_name, "sourceId": source_id, "email": email}
        return self._call(EndUser, "POST", "/end-users", json=body)

    def retrieve_end_user(self, end_user_id: str) -> EndUser:
        return self._call(EndUser, "GET", f"/end-users/{end_user_id}")

    def list_end_users(self) -> list[EndUser]:
        data = self._transport.request_json("GET", "/end-users")
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise errors.InvalidResponseError("Conductor's end-user list has no `data` array.")
        return [self._parse(EndUser, item) for item in items]

    def find_end_user(self, source_id: str) -> EndUser | None:
        """The end-user with this ``sourceId``, or None. Conductor has no filter: this lists all."""
        matches = [user for user in self.list_end_users() if user.source_id == source_id]
        # The oldest is the one any earlier attempt would have stored.
        return min(matches, key=lambda user: user.created_at) if matches else None

    def delete_end_user(self, end_user_id: str) -> DeletedEndUser:
        return self._call(DeletedEndUser, "DELETE", f"/end-users/{end_user_id}")

    # Auth sessions

    def create_auth_session(
        self,
        *,
        publishable_key: str,
        end_user_id: str,
        link_expiry_mins: int | None = None,
        redirect_url: str | None = None,
    ) -> AuthSession:
        body: dict[str, Any] = {"publishableKey": publishable_key, "endUserId": end_user_id}
        if link_expiry_mins is not None:
            body["linkExpiryMins"] = link_expiry_mins
        if redirect_url is not None:
            body["redirectUrl"] = redirect_url
        return self._call(AuthSession, "POST", "/auth-sessions", json=body)

    # QuickBooks Desktop

    def health_check(self, end_user_id: str) -> HealthCheck:
        # No retry on a read timeout: each try may wait the whole timeout for the PC.
        return self._call(
            HealthCheck,
            "GET",
            "/quickbooks-desktop/health-check",
            headers={END_USER_HEADER: end_user_id},
            read_timeout=self.health_check_timeout,
            retry_read_timeouts=False,
        )

    # Parsing

    def _call(self, resource: type[R], method: str, path: str, **kwargs: Any) -> R:
        return self._parse(resource, self._transport.request_json(method, path, **kwargs))

    def _parse(self, resource: type[R], data: object) -> R:
        try:
            return resource.from_api(data)
        except (ValueError, TypeError) as exc:
            raise errors.InvalidResponseError(
                f"Conductor's {resource.__name__} is not in the documented shape: {exc}"
            ) from None
