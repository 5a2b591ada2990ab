"""The HTTP layer every provider's client stands on, free of Django.

One pooled ``requests.Session`` per client, separate connect and read time-outs (the read one
settable per call), and retries that are bounded and safe. Neither Conductor nor Codat has
idempotency keys, so the rule that matters is which failures may be tried again:

=====================================  ==========================  ===========================
failure                                GET, HEAD, OPTIONS          POST, PATCH, PUT, DELETE
=====================================  ==========================  ===========================
connection never established           retried                     retried (nothing was sent)
(refused, DNS, connect time-out)
read time-out                          retried, unless the call    never: it may have been
                                       opts out (health check)     processed
connection dropped after sending       retried                     never
HTTP 429                               retried                     retried: the server did not
                                                                   process it
other answer the provider's error      retried                     never
calls transient (5xx, HTML 502 …)
any other 4xx, or 5xx the provider     never                       never
says is not transient
=====================================  ==========================  ===========================

Each retry waits ``Retry-After`` (or ``retry-after-ms``) when the answer carries one, else
``backoff × 2ⁿ`` with ±25 % jitter; a wait longer than ``max_retry_wait`` is never slept: the
error is raised at once, so a web request is not held hostage. At most ``max_retries`` retries.
tenacity drives the loop; the policy above is ours.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlencode

import requests
import tenacity
from tenacity.stop import stop_base
from urllib3.exceptions import NewConnectionError

from . import __version__

USER_AGENT = f"conductor-django/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REDACTED = "[redacted]"


def session_for(base_url: str) -> requests.Session:
    """A session that reads the environment once, when the client is built.

    With ``trust_env`` on, requests scans the whole environment for proxy variables (twice) and
    looks for ``~/.netrc`` on every request: most of its own cost per call. The proxy for
    ``base_url`` (``HTTPS_PROXY``, ``NO_PROXY`` …) and the CA bundle (``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``) are taken here instead; ``.netrc`` is not read at all, since its entry
    for the provider's host would replace the API key's ``Authorization`` header.
    """
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    return session


class ProviderError(Exception):
    """What the exceptions of every provider's client have in common.

    ``message`` is safe to log (secrets are redacted before it is built). Each provider's root
    class lists the keyword attributes it accepts in ``_attributes``, so a misspelt one fails
    loudly instead of being silently dropped.
    """

    _attributes: ClassVar[frozenset[str]] = frozenset({"retry_after"})
    retry_after: float | None = None
    #: False only when the request provably never left this machine (connection refused, connect
    #: time-out): even a create cannot have happened. An answer, a read time-out or a dropped
    #: connection leave it True.
    request_sent: bool = True

    def __init__(self, message: str, **attributes: Any) -> None:
        super().__init__(message)
        self.message = message
        for name, value in attributes.items():
            if name not in self._attributes:
                raise TypeError(f"unexpected attribute {name!r}")
            setattr(self, name, value)

    @property
    def is_transient(self) -> bool:
        """Worth trying again later: nothing the end-user or the request itself must change."""
        return False

    @property
    def is_outage(self) -> bool:
        """Says nothing about this request or account: the provider was unreachable, overloaded
        or answered garbage. Show a neutral "try later", not the provider's own words."""
        return True

    @property
    def log_label(self) -> str:
        """A short, secret-free name for this failure in a log line."""
        return type(self).__name__


class ErrorMapper(Protocol):
    """How one provider's client turns what went wrong into its own typed errors."""

    def api_error(self, response: requests.Response) -> ProviderError:
        """An answer outside 2xx."""
        ...

    def invalid_response(self, response: requests.Response) -> ProviderError:
        """An answer whose body is not the documented JSON."""
        ...

    def network_error(self, exc: requests.RequestException) -> ProviderError:
        """No answer at all (``requests.Timeout`` when a time-out ran out)."""
        ...


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced (longest first, so no half of one is left)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def never_sent(exc: BaseException) -> bool:
    """True when the request provably never reached the server, so even a POST may be re-sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError):
            return True
        reason = getattr(cause, "reason", None)
        args = getattr(cause, "args", ())
        if isinstance(reason, BaseException):
            cause = reason
        elif args and isinstance(args[0], BaseException):
            cause = args[0]
        else:
            cause = None
    return False


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """The wait an answer asks for: ``retry-after-ms`` first (finer), then ``Retry-After``."""
    if response is None:
        return None
    value = response.headers.get("retry-after-ms")
    scale = 1000.0
    if value is None:
        value, scale = response.headers.get("Retry-After"), 1.0
    try:
        seconds = float(value) / scale  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    # "nan" and "inf" parse as floats; neither is a wait anyone meant.
    return max(0.0, seconds) if seconds == seconds and seconds != float("inf") else None


class _Failed(Exception):
    """One failed attempt, with what the policy decided about it (never leaves this module)."""

    def __init__(
        self, error: ProviderError, *, retry: bool, wait: float | None, method: str, path: str
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry = retry
        self.wait = wait
        self.method = method
        self.path = path


class _stop_if_wait_exceeds(stop_base):
    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return retry_state.upcoming_sleep > self.limit


class Transport:
    """Sends one provider's requests. Thread-safe; share one per client and process.

    ``headers`` (the credentials among them) go on every request and in no repr or log line;
    ``errors`` builds the provider's exceptions, redacting what the provider echoes back.
    """

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        errors: ErrorMapper,
        logger: logging.Logger,
        headers: Mapping[str, str] | None = None,
        request_id_header: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 2,
        backoff: float = 0.5,
        max_retry_wait: float = 10.0,
        session: requests.Session | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries cannot be negative.")
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.request_id_header = request_id_header
        self.session = session or session_for(self.base_url)
        self.user_agent = user_agent
        self._errors = errors
        self._logger = logger
        self._headers = {
            "Accept": "application/json",
            "User-Agent": user_agent,
            **(headers or {}),
        }
        self._exponential = tenacity.wait_exponential(multiplier=backoff)
        # Built once: tenacity keeps each call's state thread-local, and the policy reads
        # everything it needs from the failed attempt itself.
        self._retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, _Failed) and exc.retry),
            wait=self._wait,
            stop=tenacity.stop_after_attempt(max_retries + 1)
            | _stop_if_wait_exceeds(max_retry_wait),
            before_sleep=self._log_retry,
            sleep=_sleep,
            reraise=True,
        )

    def __repr__(self) -> str:
        return f"<Transport {self.service} {self.base_url}>"

    def close(self) -> None:
        """Close pooled connections now (``Session.close()`` alone leaves urllib3's sockets to
        garbage collection). Still usable afterwards: a later call opens a new connection."""
        for adapter in self.session.adapters.values():
            pools = getattr(getattr(adapter, "poolmanager", None), "pools", None)
            if pools is None:
                continue
            for key in list(pools.keys()):
                pool = pools.get(key)
                if pool is not None:
                    pool.close()
        self.session.close()

    def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """:meth:`request`, then the body decoded; a body that is not JSON is the provider's
        ``invalid_response`` error, never a ``JSONDecodeError``."""
        return self.json_of(self.request(method, path, **kwargs))

    def json_of(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self._errors.invalid_response(response) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int | None] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
        retry_read_timeouts: bool = True,
    ) -> requests.Response:
        """A 2xx answer, or the provider's typed error once the policy gives up.

        ``params`` are encoded with ``%20`` for spaces (not ``+``) and every reserved character
        escaped, as Codat's query language asks. ``retry_read_timeouts=False`` is for calls
        whose every attempt may wait the whole read time-out.
        """
        method = method.upper()
        url = self.base_url + path
        query = {name: value for name, value in (params or {}).items() if value is not None}
        if query:
            url += "?" + urlencode(query, quote_via=quote)
        try:
            response: requests.Response = self._retrying(
                self._attempt, method, path, url, json, headers, read_timeout, retry_read_timeouts
            )
        except _Failed as failed:
            raise failed.error from None
        return response

    def _attempt(
        self,
        method: str,
        path: str,
        url: str,
        json: Any,
        headers: Mapping[str, str] | None,
        read_timeout: float | None,
        retry_read_timeouts: bool,
    ) -> requests.Response:
        idempotent = method in IDEMPOTENT_METHODS
        try:
            response = self._send(method, path, url, json, headers, read_timeout)
        except requests.RequestException as exc:
            if never_sent(exc):
                retry = True
            elif isinstance(exc, requests.Timeout):
                retry = idempotent and retry_read_timeouts
            else:
                retry = idempotent
            error = self._errors.network_error(exc)
            error.request_sent = not never_sent(exc)
            raise _Failed(error, retry=retry, wait=None, method=method, path=path) from None
        if 200 <= response.status_code < 300:
            return response
        error = self._errors.api_error(response)
        # A 429 was refused before any work was done: safe to send again, even a create.
        retry = response.status_code == 429 or (idempotent and error.is_transient)
        wait = retry_after_seconds(response)
        raise _Failed(error, retry=retry, wait=wait, method=method, path=path)

    def _send(
        self,
        method: str,
        path: str,
        url: str,
        json: Any,
        headers: Mapping[str, str] | None,
        read_timeout: float | None,
    ) -> requests.Response:
        started = time.monotonic()
        response = self.session.request(
            method,
            url,
            json=json,
            headers={**self._headers, **headers} if headers else self._headers,
            timeout=(self.connect_timeout, read_timeout or self.read_timeout),
        )
        if self._logger.isEnabledFor(logging.DEBUG):
            self._logger.debug(
                "%s %s %s -> %s in %.0f ms (request %s)",
                self.service,
                method,
                path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                response.headers.get(self.request_id_header) if self.request_id_header else None,
            )
        return response

    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        failed = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(failed, _Failed) and failed.wait is not None:
            return failed.wait
        return self._exponential(retry_state) * random.uniform(0.75, 1.25)

    def _log_retry(self, retry_state: tenacity.RetryCallState) -> None:
        failed = retry_state.outcome.exception() if retry_state.outcome else None
        if not isinstance(failed, _Failed):
            return
        self._logger.warning(
            "%s %s %s failed (%s); retry %d of %d in %.1fs",
            self.service,
            failed.method,
            failed.path,
            failed.error.log_label,
            retry_state.attempt_number,
            self.max_retries,
            retry_state.upcoming_sleep,
        )


def _sleep(seconds: float) -> None:
    # Looked up at call time, so a test that replaces time.sleep records the waits.
    time.sleep(seconds)
