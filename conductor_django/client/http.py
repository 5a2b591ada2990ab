"""A small client for the parts of Conductor's API this app uses, on one pooled requests.Session.

It differs from the official SDK where that SDK hurts a web app: it never retries a 4xx (a 409
"not set up" will not change by asking again), never replays a POST that may have reached
Conductor (there are no idempotency keys, so a replay can create a second end-user), and puts
Conductor's error fields on the exception as attributes.
"""

import logging
import random
import time

import requests
from urllib3.exceptions import NewConnectionError

from .. import __version__
from . import errors
from .resources import AuthSession, DeletedEndUser, EndUser, HealthCheck

logger = logging.getLogger("conductor_django.client")

DEFAULT_BASE_URL = "https://api.conductor.is/v1"
REQUEST_ID_HEADER = "Conductor-Request-Id"
END_USER_HEADER = "Conductor-End-User-Id"


def _redact(secret, text):
    return text.replace(secret, "sk_…redacted") if secret and text else text


def _text(value):
    return value if isinstance(value, str) and value else None


def _never_sent(exc):
    """True when the request provably never reached the server, so even a POST may be re-sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen = set()
    cause = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError):
            return True
        reason = getattr(cause, "reason", None)
        args = getattr(cause, "args", ())
        cause = reason or (args[0] if args and isinstance(args[0], BaseException) else None)
    return False


def _retry_after(response):
    if response is None:
        return None
    value = response.headers.get("retry-after-ms")
    scale = 1000.0
    if value is None:
        value, scale = response.headers.get("Retry-After"), 1.0
    try:
        return max(0.0, float(value) / scale)
    except (TypeError, ValueError):
        return None


class ConductorClient:
    """Conductor's REST API. Thread-safe; share one instance per process."""

    def __init__(
        self,
        secret_key,
        *,
        base_url=DEFAULT_BASE_URL,
        connect_timeout=5.0,
        read_timeout=30.0,
        health_check_timeout=15.0,
        max_retries=2,
        backoff=0.5,
        max_retry_wait=10.0,
        session=None,
    ):
        if not secret_key:
            raise ValueError("A Conductor secret key is required.")
        self._secret_key = secret_key
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.health_check_timeout = health_check_timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.session = session or requests.Session()
        self.user_agent = f"conductor-django/{__version__}"

    def __repr__(self):
        return f"<ConductorClient {self.base_url}>"

    def close(self):
        """Close pooled connections now (``Session.close()`` alone leaves urllib3's sockets to
        garbage collection). The client stays usable: a later call opens a new connection."""
        for adapter in self.session.adapters.values():
            for key in list(adapter.poolmanager.pools.keys()):
                pool = adapter.poolmanager.pools.get(key)
                if pool is not None:
                    pool.close()
        self.session.close()

    # End-users

    def create_end_user(self, *, company_name, source_id, email):
        body = {"companyName": company_name, "sourceId": source_id, "email": email}
        return self._call(EndUser, "POST", "/end-users", json=body)

    def retrieve_end_user(self, end_user_id):
        return self._call(EndUser, "GET", f"/end-users/{end_user_id}")

    def list_end_users(self):
        data = self._request("GET", "/end-users")
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise errors.InvalidResponseError("Conductor's end-user list has no `data` array.")
        return [self._parse(EndUser, item) for item in items]

    def find_end_user(self, source_id):
        """The end-user with this ``sourceId``, or None. Conductor has no filter: this lists all."""
        matches = [user for user in self.list_end_users() if user.source_id == source_id]
        # The oldest is the one any earlier attempt would have stored.
        return min(matches, key=lambda user: user.created_at) if matches else None

    def delete_end_user(self, end_user_id):
        return self._call(DeletedEndUser, "DELETE", f"/end-users/{end_user_id}")

    # Auth sessions

    def create_auth_session(
        self, *, publishable_key, end_user_id, link_expiry_mins=None, redirect_url=None
    ):
        body = {"publishableKey": publishable_key, "endUserId": end_user_id}
        if link_expiry_mins is not None:
            body["linkExpiryMins"] = link_expiry_mins
        if redirect_url is not None:
            body["redirectUrl"] = redirect_url
        return self._call(AuthSession, "POST", "/auth-sessions", json=body)

    # QuickBooks Desktop

    def health_check(self, end_user_id):
        # No retry on a read timeout: each try may wait the whole timeout for the PC.
        return self._call(
            HealthCheck,
            "GET",
            "/quickbooks-desktop/health-check",
            headers={END_USER_HEADER: end_user_id},
            read_timeout=self.health_check_timeout,
            retry_read_timeouts=False,
        )

    # Transport

    def _call(self, resource, method, path, **kwargs):
        return self._parse(resource, self._request(method, path, **kwargs))

    def _parse(self, resource, data):
        try:
            return resource.from_api(data)
        except (ValueError, TypeError) as exc:
            raise errors.InvalidResponseError(
                f"Conductor's {resource.__name__} is not in the documented shape: {exc}"
            ) from None

    def _request(
        self, method, path, *, json=None, headers=None, read_timeout=None, retry_read_timeouts=True
    ):
        idempotent = method in ("GET", "HEAD", "OPTIONS")
        attempt = 0
        while True:
            response = None
            try:
                response = self._send(method, path, json, headers, read_timeout)
            except requests.RequestException as exc:
                error, retry = self._network_error(exc, idempotent, retry_read_timeouts)
            else:
                if 200 <= response.status_code < 300:
                    return self._json(response)
                error = self._api_error(response)
                retry = idempotent and error.is_transient
            wait = _retry_after(response)
            if wait is None:
                wait = self.backoff * (2**attempt) * (0.75 + random.random() / 2)
            if not retry or attempt >= self.max_retries or wait > self.max_retry_wait:
                raise error
            logger.warning(
                "Conductor %s %s failed (%s); retry %d of %d in %.1fs",
                method,
                path,
                error.code or type(error).__name__,
                attempt + 1,
                self.max_retries,
                wait,
            )
            time.sleep(wait)
            attempt += 1

    def _send(self, method, path, json, headers, read_timeout):
        all_headers = {
            "Authorization": f"Bearer {self._secret_key}",
            "Accept": "application/json",
            "User-Agent": self.user_agent,
            **(headers or {}),
        }
        started = time.monotonic()
        response = self.session.request(
            method,
            self.base_url + path,
            json=json,
            headers=all_headers,
            timeout=(self.connect_timeout, read_timeout or self.read_timeout),
        )
        logger.debug(
            "Conductor %s %s -> %s in %.0f ms (request %s)",
            method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
            response.headers.get(REQUEST_ID_HEADER),
        )
        return response

    def _network_error(self, exc, idempotent, retry_read_timeouts):
        if isinstance(exc, requests.Timeout):
            error = errors.TimeoutError("Conductor did not answer in time.")
            retry = _never_sent(exc) or (idempotent and retry_read_timeouts)
        else:
            error = errors.NetworkError(f"Could not reach Conductor ({type(exc).__name__}).")
            retry = idempotent or _never_sent(exc)
        return error, retry

    def _json(self, response):
        try:
            return response.json()
        except ValueError:
            raise self._invalid_body(response) from None

    def _invalid_body(self, response):
        return errors.InvalidResponseError(
            f"Conductor answered HTTP {response.status_code} with a body that is not the "
            f"documented JSON (Content-Type: {response.headers.get('Content-Type', 'none')}).",
            http_status_code=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
        )

    def _api_error(self, response):
        try:
            body = response.json()
        except ValueError:
            body = None
        envelope = body.get("error") if isinstance(body, dict) else None
        if not isinstance(envelope, dict):
            return self._invalid_body(response)
        status = response.status_code
        # A proxy or a bug upstream can put anything in the envelope: keep only strings.
        code = _text(envelope.get("code"))
        type_ = _text(envelope.get("type"))
        declared_status = envelope.get("httpStatusCode")
        error = errors.api_error_class(code, type_, status)(
            _redact(self._secret_key, _text(envelope.get("message")) or f"HTTP {status}"),
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
            error.retry_after = _retry_after(response)
        return error
