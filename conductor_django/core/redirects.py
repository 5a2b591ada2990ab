"""Where a page may send the user back to: the one open-redirect check of every provider's
pages and APIs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, url: object) -> str | None:
    """``url`` if it stays on this site (the open-redirect check), else None."""
    if (
        isinstance(url, str)
        and url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return None
