"""Codat's system checks (``manage.py check --tag codat``): the mistakes that otherwise surface
as a failed request. No check here touches the network or the database; ``deploy_checks`` adds
the ``check --deploy`` ones (one of which asks Codat for the Portal's redirect template).

Ids are stable: ``conductor_codat.E001`` and up for what breaks the app, ``conductor_codat.W001``
and up for what may be intended. The table of every id is in docs/codat.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .catalog import SOURCE_TYPES
from .conf import DEFAULTS, codat_settings
from .link import RESERVED_PARAMETERS
from .owners import TAG_KEY

TAG = "codat"
CORE_APP = "conductor_django"
MIXIN = "conductor_django.codat.models.CodatCompanyMixin"
# A query parameter Codat copies into the redirect as ``{name}``: plain, no braces or operators.
PARAMETER = r"^[A-Za-z][A-Za-z0-9_]*$"
# Codat's own time to finish a create after our read timeout ran out: undocumented, so an
# assumption, kept generous (as Conductor's).
CODAT_PROCESSING_SECONDS = 30

Messages = list[checks.CheckMessage]


def _error(id_: int, msg: str, hint: str) -> checks.Error:
    return checks.Error(msg, hint=hint, id=f"conductor_codat.E{id_:03d}")


def _warning(id_: int, msg: str, hint: str, obj: Any = None) -> checks.Warning:
    return checks.Warning(msg, hint=hint, obj=obj, id=f"conductor_codat.W{id_:03d}")


def settings_usable() -> bool:
    return isinstance(getattr(settings, "CODAT", {}) or {}, dict)


@checks.register(TAG)
def check_core_installed(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    if apps.is_installed(CORE_APP):
        return []
    return [
        _error(
            2,
            "conductor_django.codat is in INSTALLED_APPS without conductor_django.",
            f"Add {CORE_APP!r} to INSTALLED_APPS too (and run migrate): it is the core every "
            "provider needs (its templates, translations and the owner settings in CONDUCTOR).",
        )
    ]


@checks.register(TAG)
def check_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    if not settings_usable():
        return [
            _error(
                1,
                "settings.CODAT must be a dict.",
                'Make it one, e.g. CODAT = {"API_KEY": ...}, or remove it and set CODAT_API_KEY '
                "in the environment.",
            )
        ]
    user = codat_settings.user_settings()
    found: Messages = []
    for name in sorted(set(user) - set(DEFAULTS)):
        close = difflib.get_close_matches(name, DEFAULTS, n=1)
        hint = f"Did you mean {close[0]!r}?" if close else "Remove it; it has no effect."
        found.append(_warning(1, f"CODAT has no setting named {name!r}.", hint))
    if not codat_settings.API_KEY:
        found.append(
            _warning(
                2,
                'CODAT["API_KEY"] is not set.',
                "Set it, or the CODAT_API_KEY environment variable, to the API key from Codat's "
                "Portal (Developers > API keys); no call to Codat can be made without it.",
            )
        )
    found += _state_parameter() + _owner_tag() + _company_name_getter() + _source_types()
    found += _create_grace() + _webhook_secrets()
    return found


def webhooks_mounted() -> bool:
    """Whether the host's URLconf serves the webhook endpoint: webhooks are then enabled."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("conductor_codat_webhooks:receive")
    except NoReverseMatch:
        return False
    return True


def is_webhook_secret(value: object) -> bool:
    """``whsec_`` then base64, as Codat's Portal shows an endpoint's signing secret."""
    import base64
    import binascii

    if not isinstance(value, str) or not value.startswith("whsec_"):
        return False
    encoded = value.removeprefix("whsec_")
    try:
        return bool(base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True))
    except (binascii.Error, ValueError):
        return False


def _webhook_secrets() -> Messages:
    value = codat_settings.get("WEBHOOK_SECRETS")
    usable = value is None or isinstance(value, str | list | tuple)
    configured = codat_settings.webhook_secrets if usable else ()
    if not usable or not all(is_webhook_secret(secret) for secret in configured):
        return [
            _error(
                8,
                "CODAT['WEBHOOK_SECRETS'] holds something that is not a webhook signing secret "
                "(whsec_ followed by base64).",
                "Copy each endpoint's signing secret from Codat's Portal (Settings > Webhooks): "
                "a list of strings, or CODAT_WEBHOOK_SECRETS separated by spaces. Every "
                "delivery is refused (503) until it is fixed.",
            )
        ]
    if configured or not webhooks_mounted():
        return []
    return [
        _warning(
            9,
            "The Codat webhook endpoint is mounted but CODAT['WEBHOOK_SECRETS'] is not set.",
            "Set it (or CODAT_WEBHOOK_SECRETS) to the endpoint's signing secret from Codat's "
            "Portal; until then every delivery is refused (503) and Codat keeps retrying. A "
            "host without webhooks leaves conductor_django.codat.webhooks.urls out and runs "
            "codat_refresh_connections periodically.",
        )
    ]


def _state_parameter() -> Messages:
    import re

    value = codat_settings.STATE_PARAMETER
    if isinstance(value, str) and re.match(PARAMETER, value) and value not in RESERVED_PARAMETERS:
        return []
    reserved = ", ".join(sorted(RESERVED_PARAMETERS))
    return [
        _error(
            3,
            f'CODAT["STATE_PARAMETER"] = {value!r} cannot carry our state through Codat\'s '
            "redirect.",
            "Give a plain name (letters, digits, underscores) that is none of Codat's reserved "
            f"placeholders or the one-time link's own parameter ({reserved}); the default is "
            "'state'.",
        )
    ]


def _owner_tag() -> Messages:
    value = codat_settings.OWNER_TAG
    if isinstance(value, str) and TAG_KEY.match(value):
        return []
    return [
        _error(
            4,
            f'CODAT["OWNER_TAG"] = {value!r} is not a tag key Codat can filter by.',
            "Give a plain key of up to 64 letters, digits, '_', '.' or '-', starting with a "
            "letter (the default is 'ownerId'). Changing it on a live client makes every "
            "company created before unfindable by tag: keep the one you started with.",
        )
    ]


def _company_name_getter() -> Messages:
    value = codat_settings.user_settings().get("COMPANY_NAME_GETTER")
    problem = None
    if value is not None and not isinstance(value, str) and not callable(value):
        problem = (
            f'CODAT["COMPANY_NAME_GETTER"] must be a dotted path or a function, not {value!r}.'
        )
    else:
        try:
            codat_settings.callable("COMPANY_NAME_GETTER", str)
        except ImproperlyConfigured as exc:
            problem = str(exc)
    if problem is None:
        return []
    return [
        _error(
            5,
            problem,
            "Give the dotted path of a function that exists ('package.module.function') in a "
            "module that imports without error, or the function itself.",
        )
    ]


def _source_types() -> Messages:
    try:
        kinds = codat_settings.source_types
    except TypeError:
        kinds = ()
    if kinds and all(kind in SOURCE_TYPES for kind in kinds):
        return []
    return [
        _error(
            6,
            f'CODAT["SOURCE_TYPES"] = {codat_settings.SOURCE_TYPES!r} names no source type '
            "Codat has.",
            f"Give a list of Codat's source types ({', '.join(SOURCE_TYPES)}); the default is "
            "['Accounting'].",
        )
    ]


def _create_grace() -> Messages:
    try:
        grace = float(codat_settings.CREATE_GRACE_SECONDS)
        floor = (
            float(codat_settings.CONNECT_TIMEOUT)
            + float(codat_settings.READ_TIMEOUT)
            + CODAT_PROCESSING_SECONDS
        )
    except (TypeError, ValueError):
        return [
            _warning(
                3,
                "CODAT['CREATE_GRACE_SECONDS'], CONNECT_TIMEOUT and READ_TIMEOUT must be numbers.",
                "Give them as numbers of seconds (the defaults are 120, 5 and 30).",
            )
        ]
    if grace > floor:
        return []
    return [
        _warning(
            3,
            "CODAT['CREATE_GRACE_SECONDS'] must be above CONNECT_TIMEOUT + READ_TIMEOUT + "
            f"{CODAT_PROCESSING_SECONDS} (Codat's own processing time); it is {grace:g}.",
            "After a company create times out, Codat may still complete it. Shorter than that, "
            "the next attempt may not see it yet and create a second company for the owner. "
            f"Raise it above {floor:g} seconds (the default is 120).",
        )
    ]


@checks.register(TAG)
def check_owner_model(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    """E007: the owner model has no ``codat_company_id``; W004: another model has the mixin."""
    from ..core.owners import is_owner_model, owner_model
    from .models import CodatCompanyMixin

    try:
        owner = owner_model()
    except ImproperlyConfigured:
        return []  # conductor_django.E006 says so
    found: Messages = []
    if not issubclass(owner, CodatCompanyMixin):
        found.append(
            _error(
                7,
                f"The owner model {owner._meta.label} does not use CodatCompanyMixin.",
                f"Add {MIXIN} to {owner._meta.object_name}'s bases and run makemigrations (it "
                "adds the codat_company_id column), or set CONDUCTOR['OWNER_MODEL'] to a model "
                "of yours that has it.",
            )
        )
    for model in apps.get_models():
        if issubclass(model, CodatCompanyMixin) and not is_owner_model(model):
            found.append(
                _warning(
                    4,
                    f"{model._meta.label} uses CodatCompanyMixin but is not the owner model "
                    f"({owner._meta.label}): its rows get no Codat company.",
                    f"Set CONDUCTOR['OWNER_MODEL'] = {model._meta.label!r} if its rows should "
                    "own the connections, or remove the mixin from it. If both models carry it "
                    "on purpose, add 'conductor_codat.W004' to SILENCED_SYSTEM_CHECKS.",
                    obj=model,
                )
            )
    return found
