"""Codat's ``manage.py check --deploy`` warnings (tag ``codat``): what is right on a developer's
machine and wrong in production. One of them asks Codat for the redirect template set in its
Portal (``GET /profile``, one try, a few seconds): only under ``--deploy``, never in a plain
``check``; when Codat cannot be asked, it says it could not verify.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig, apps
from django.core import checks
from django.urls import NoReverseMatch, reverse

from .checks import TAG, Messages, settings_usable
from .client import CodatError
from .conf import codat_settings
from .logs import describe
from .redirect import expected, verify

SANDBOX_APP = "conductor_django.codat.sandbox"


def _warning(id_: int, msg: str, hint: str) -> checks.Warning:
    return checks.Warning(msg, hint=hint, id=f"conductor_codat.W{id_:03d}")


@checks.register(TAG, deploy=True)
def check_api_base_url(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    if not settings_usable():
        return []
    url = urlsplit(codat_settings.API_BASE_URL)
    if url.scheme == "https":
        return []
    # Scheme and host only: a URL may carry credentials.
    shown = f"{url.scheme}://{url.hostname}" if url.hostname else repr(codat_settings.API_BASE_URL)
    return [
        _warning(
            5,
            f'CODAT["API_BASE_URL"] is not https ({shown}): the API key would cross the network '
            "in clear text.",
            'Remove CODAT["API_BASE_URL"] and the CODAT_BASE_URL environment variable to use '
            "https://api.codat.io, or give an https URL; an http URL is only for the Codat "
            "sandbox on your own machine.",
        )
    ]


@checks.register(TAG, deploy=True)
def check_sandbox_deployed(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> Messages:
    found = []
    if apps.is_installed(SANDBOX_APP):
        found.append(f"{SANDBOX_APP} is in INSTALLED_APPS")
    try:
        found.append(f"its URLs are mounted at {reverse('codat_sandbox:dashboard')}")
    except NoReverseMatch:
        pass
    if not found:
        return []
    return [
        _warning(
            7,
            f"The Codat sandbox is deployed: {', '.join(found)}.",
            f"In production settings remove {SANDBOX_APP!r} from INSTALLED_APPS and "
            'include("conductor_django.codat.sandbox.urls") from the URLconf, and leave '
            "CODAT_SANDBOX unset: its dashboard and control endpoint have no login.",
        )
    ]


@checks.register(TAG, deploy=True)
def check_redirect_template(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> Messages:
    if not settings_usable() or not codat_settings.API_KEY:
        return []  # W002 says the key is missing; there is nothing to ask Codat with
    template = expected()
    try:
        verdict = verify(str(codat_settings.API_KEY), codat_settings.API_BASE_URL)
    except CodatError as exc:
        return [
            _warning(
                8,
                "Could not verify the redirect template set in Codat's Portal: Codat could not "
                f"be asked ({describe(exc)}).",
                "Run `manage.py codat_check_redirect` once Codat answers. The template to set "
                f"(Portal > Settings > Auth flow > Redirects, or PUT /profile) is {template}, with "
                "your site's address.",
            )
        ]
    if verdict.ok:
        return []
    return [
        _warning(
            6,
            "The redirect template set in Codat's Portal cannot bring users back: "
            f"{'; '.join(verdict.problems)}.",
            f"Set it (Portal > Settings > Auth flow > Redirects, or PUT /profile) to {template}, "
            "with your site's address.",
        )
    ]
