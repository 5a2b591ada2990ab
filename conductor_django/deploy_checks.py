"""The ``manage.py check --deploy`` warnings (tag ``conductor``): what is right on a developer's
machine and wrong in production. Like the other checks, they touch neither the network nor the
database; the ids continue those of ``checks``.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, reverse

from .checks import TAG
from .conf import app_settings

SANDBOX_APP = "conductor_django.sandbox"
# The sandbox's demo keys are named so (docs/sandbox.md, the example project); Conductor
# refuses them.
SANDBOX_KEY_PREFIXES = ("sk_conductor_sandbox_", "pk_conductor_sandbox_")


def _warning(id_: int, msg: str, hint: str) -> checks.Warning:
    return checks.Warning(msg, hint=hint, id=f"conductor_django.W{id_:03d}")


def _conductor_settings_usable() -> bool:
    # settings.CONDUCTOR that is not a dict is E001's to report; these checks say nothing then.
    return isinstance(getattr(settings, "CONDUCTOR", {}), dict)


def _sandbox_mount() -> str | None:
    try:
        return reverse("conductor_sandbox:dashboard")
    except NoReverseMatch:
        return None


@checks.register(TAG, deploy=True)
def check_sandbox_deployed(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    installed = apps.is_installed(SANDBOX_APP)
    mount = _sandbox_mount()
    if not installed and mount is None:
        return []
    found = []
    if installed:
        found.append(f"{SANDBOX_APP} is in INSTALLED_APPS")
    if mount is not None:
        found.append(f"its URLs are mounted at {mount}")
    sandbox_settings = getattr(settings, "CONDUCTOR_SANDBOX", None) or {}
    if isinstance(sandbox_settings, dict) and sandbox_settings.get("ENABLED"):
        found.append('CONDUCTOR_SANDBOX["ENABLED"] makes it serve with DEBUG off')
    return [
        _warning(
            7,
            f"The Conductor sandbox is deployed: {', '.join(found)}.",
            f"In production settings remove {SANDBOX_APP!r} from INSTALLED_APPS and "
            'include("conductor_django.sandbox.urls") from the URLconf (add them only when a '
            "development setting is on, as the example project's SANDBOX does), and leave "
            "CONDUCTOR_SANDBOX unset: the sandbox's dashboard and control endpoint have no "
            "login.",
        )
    ]


@checks.register(TAG, deploy=True)
def check_api_base_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if not _conductor_settings_usable():
        return []
    url = urlsplit(app_settings.API_BASE_URL)
    if url.scheme == "https":
        return []
    # Scheme and host only: a URL may carry credentials.
    shown = f"{url.scheme}://{url.hostname}" if url.hostname else repr(app_settings.API_BASE_URL)
    return [
        _warning(
            8,
            f'CONDUCTOR["API_BASE_URL"] is not https ({shown}): the secret key would cross the '
            "network in clear text.",
            'Remove CONDUCTOR["API_BASE_URL"] and the CONDUCTOR_BASE_URL environment variable '
            "to use https://api.conductor.is/v1, or give an https URL; an http URL is only for "
            "the sandbox on your own machine.",
        )
    ]


def _sandbox_keys() -> list[str]:
    found = []
    for name in ("SECRET_KEY", "PUBLISHABLE_KEY"):
        key = str(getattr(app_settings, name) or "")
        # The prefix only: the rest of a key never goes into a message.
        prefix = next((p for p in SANDBOX_KEY_PREFIXES if key.startswith(p)), None)
        if prefix:
            found.append(f'CONDUCTOR["{name}"] is a sandbox key ({prefix}…)')
    sandbox_settings = getattr(settings, "CONDUCTOR_SANDBOX", None) or {}
    if isinstance(sandbox_settings, dict):
        found += [
            f'CONDUCTOR_SANDBOX["{name}"] is set'
            for name in ("SECRET_KEY", "PUBLISHABLE_KEY")
            if sandbox_settings.get(name)
        ]
    return found


@checks.register(TAG, deploy=True)
def check_sandbox_keys(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if settings.DEBUG or not _conductor_settings_usable():
        return []
    found = _sandbox_keys()
    if not found:
        return []
    return [
        _warning(
            9,
            f"Sandbox keys are configured with DEBUG off: {'; '.join(found)}.",
            "Set CONDUCTOR_SECRET_KEY and CONDUCTOR_PUBLISHABLE_KEY (or CONDUCTOR's SECRET_KEY "
            "and PUBLISHABLE_KEY) to the keys from the Conductor dashboard, and remove the keys "
            "from CONDUCTOR_SANDBOX: Conductor refuses the sandbox's keys, so every call would "
            "fail.",
        )
    ]
