"""Whether the redirect template set in Codat's Portal brings users back to our callback with
what it reads: ``{statusCode}``, ``{connectionId}`` and our state parameter. Asked of Codat
(``GET /profile``) only by ``check --deploy`` and ``manage.py codat_check_redirect``."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.urls import NoReverseMatch, reverse

from .client import CodatClient
from .link import redirect_template, state_parameter

CALLBACK = "conductor_codat:callback"
# A check must not hold a deploy for long: one try, a few seconds.
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Verdict:
    """The Portal's template (``current``) and what is wrong with it (``problems``: empty when
    it does the job)."""

    current: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def callback_path() -> str | None:
    """Where the callback view is mounted, when the host routes it."""
    try:
        return reverse(CALLBACK)
    except NoReverseMatch:
        return None


def expected(base: str = "https://your.site") -> str:
    """The template to set in the Portal (``base``: the site's scheme and host)."""
    path = callback_path() or "/<where you mount the Codat callback>/"
    return redirect_template(base.rstrip("/") + path)


def judge(template: str) -> Verdict:
    """What ``template`` (the Portal's redirect URL) misses of what the callback reads."""
    problems = []
    if not template:
        return Verdict(template, ["no redirect URL is set, so users stay on Codat's own page"])
    parts = urlsplit(template)
    wanted = {"statusCode": "{statusCode}", "connectionId": "{connectionId}"}
    wanted[state_parameter()] = "{" + state_parameter() + "}"
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name, placeholder in wanted.items():
        if query.get(name) != placeholder:
            problems.append(f"it does not pass {placeholder} as the query parameter {name!r}")
    path = callback_path()
    if path is not None and parts.path != path:
        problems.append(f"it points to {parts.path or '/'}, not to the callback at {path}")
    return Verdict(template, problems)


def verify(api_key: str, base_url: str) -> Verdict:
    """Ask Codat for the Portal's template and judge it. Raises ``CodatError`` when Codat
    cannot be asked."""
    client = CodatClient(
        api_key,
        base_url=base_url,
        connect_timeout=TIMEOUT_SECONDS,
        read_timeout=TIMEOUT_SECONDS,
        max_retries=0,
    )
    try:
        return judge(client.get_profile().redirect_url)
    finally:
        client.close()
