"""System checks (``manage.py check --tag conductor``) for the mistakes that otherwise surface
as a failed request: keys missing or swapped, settings misspelt, the owner model or the
session and messages machinery missing, the callback URL not routed.

A host that uses Codat only (its owner model carries ``CodatCompanyMixin`` and not
``ConductorEndUserMixin``) gets none of the checks about Conductor's keys, callback URL and
mixin: ``conductor_django`` is installed there as the core app.

No check touches the network or the database. Ids are stable: ``conductor_django.E001`` and up
for what breaks the app, ``conductor_django.W001`` and up for what may be intended. Every hint
names a fix that can be made. ``owner_checks`` holds the checks of the owner model (E006, E007,
W005), ``deploy_checks`` the ``check --deploy`` warnings. The table of every id is in
docs/operations.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .conf import DEFAULTS, MAX_LINK_EXPIRY_MINUTES, MIN_LINK_EXPIRY_MINUTES, app_settings

TAG = "conductor"
SECRET_PREFIX = "sk_conductor_"
PUBLISHABLE_PREFIX = "pk_conductor_"
CALLABLE_SETTINGS = (
    "COMPANY_NAME_GETTER",
    "EMAIL_GETTER",
    "OWNER_RESOLVER",
    "CAN_MANAGE_CONNECTION",
)
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
MESSAGE_MIDDLEWARE = "django.contrib.messages.middleware.MessageMiddleware"


Messages = list[checks.CheckMessage]


def error(id_: int, msg: str, hint: str) -> checks.Error:
    return checks.Error(msg, hint=hint, id=f"conductor_django.E{id_:03d}")


def warning(id_: int, msg: str, hint: str) -> checks.Warning:
    return checks.Warning(msg, hint=hint, id=f"conductor_django.W{id_:03d}")


def settings_dict() -> dict[str, Any] | None:
    value = getattr(settings, "CONDUCTOR", {})
    return value if isinstance(value, dict) else None


def codat_only() -> bool:
    """Whether the host uses Codat only: its owner model carries Codat's mixin and not
    Conductor's (``conductor_django`` is then installed as the core app only)."""
    if not apps.is_installed("conductor_django.codat"):
        return False
    from .codat.models import CodatCompanyMixin
    from .models import ConductorEndUserMixin
    from .owners import owner_model

    try:
        model = owner_model()
    except ImproperlyConfigured:
        return False
    return issubclass(model, CodatCompanyMixin) and not issubclass(model, ConductorEndUserMixin)


@checks.register(TAG)
def check_settings(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    user = settings_dict()
    if user is None:
        return [
            error(
                1,
                "settings.CONDUCTOR must be a dict.",
                'Make it one, e.g. CONDUCTOR = {"SECRET_KEY": ..., "PUBLISHABLE_KEY": ...}, or '
                "remove it and set CONDUCTOR_SECRET_KEY and CONDUCTOR_PUBLISHABLE_KEY in the "
                "environment.",
            )
        ]
    errors: Messages = []
    for name in sorted(set(user) - set(DEFAULTS)):
        close = difflib.get_close_matches(name, DEFAULTS, n=1)
        hint = f"Did you mean {close[0]!r}?" if close else "Remove it; it has no effect."
        errors.append(warning(1, f"CONDUCTOR has no setting named {name!r}.", hint))
    if not codat_only():
        errors += _check_keys()
    for name in ("LINK_EXPIRY_MINUTES", "EMAIL_LINK_EXPIRY_MINUTES"):
        try:
            app_settings.link_expiry(name)
        except (ImproperlyConfigured, TypeError, ValueError):
            errors.append(
                error(
                    8,
                    f'CONDUCTOR["{name}"] must be a whole number of minutes from '
                    f"{MIN_LINK_EXPIRY_MINUTES} to {MAX_LINK_EXPIRY_MINUTES}.",
                    f"Set it within those bounds (Conductor refuses any other link expiry), or "
                    f"remove it for the default of {DEFAULTS[name]} minutes.",
                )
            )
    if not _valid_inline_wait(app_settings.INLINE_CHECK_WAIT):
        errors.append(
            error(
                15,
                'CONDUCTOR["INLINE_CHECK_WAIT"] must be a number of seconds from 0 to '
                f"{MAX_INLINE_CHECK_WAIT}; it is {app_settings.INLINE_CHECK_WAIT!r}.",
                "It bounds how long a page waits for a health check when no task worker runs "
                "them (the immediate backend): longer, and slow QuickBooks holds web workers "
                f"again. Remove it for the default of {DEFAULTS['INLINE_CHECK_WAIT']:g} s.",
            )
        )
    for name in CALLABLE_SETTINGS:
        if (problem := _callable_problem(user, name)) is not None:
            errors.append(
                error(
                    9,
                    problem,
                    "Give the dotted path of a function that exists ('package.module.function') "
                    "in a module that imports without error, or the function itself.",
                )
            )
    return errors


# The longest a page may hold a web worker waiting for a health check on the immediate backend.
MAX_INLINE_CHECK_WAIT = 10


def _valid_inline_wait(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 <= value <= MAX_INLINE_CHECK_WAIT


def _callable_problem(user: dict[str, Any], name: str) -> str | None:
    value = user.get(name)
    if value is not None and not isinstance(value, str) and not callable(value):
        return f'CONDUCTOR["{name}"] must be a dotted path or a function, not {value!r}.'
    try:
        app_settings.callable(name, str)
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def _check_keys() -> Messages:
    secret = app_settings.SECRET_KEY
    publishable = app_settings.PUBLISHABLE_KEY
    errors: Messages = []
    if not secret:
        errors.append(
            warning(
                2,
                'CONDUCTOR["SECRET_KEY"] is not set.',
                "Set it, or the CONDUCTOR_SECRET_KEY environment variable, to the secret key "
                "from the Conductor dashboard; no call to Conductor can be made without it.",
            )
        )
    elif secret.startswith(PUBLISHABLE_PREFIX):
        errors.append(
            error(
                4,
                'CONDUCTOR["SECRET_KEY"] holds a publishable key.',
                f"Put the secret key (it starts with {SECRET_PREFIX!r}) in SECRET_KEY and the "
                f"publishable key ({PUBLISHABLE_PREFIX!r}) in PUBLISHABLE_KEY; the two look "
                "swapped.",
            )
        )
    elif not secret.startswith(SECRET_PREFIX):
        errors.append(
            error(
                2,
                f'CONDUCTOR["SECRET_KEY"] does not start with {SECRET_PREFIX!r}.',
                "Set it, or the CONDUCTOR_SECRET_KEY environment variable, to the secret key "
                "from the Conductor dashboard (API keys).",
            )
        )
    if not publishable:
        errors.append(
            warning(
                3,
                'CONDUCTOR["PUBLISHABLE_KEY"] is not set.',
                "Set it, or the CONDUCTOR_PUBLISHABLE_KEY environment variable, to the "
                "publishable key from the Conductor dashboard; no connection link can be "
                "created without it.",
            )
        )
    elif publishable.startswith(SECRET_PREFIX):
        # The publishable key travels in auth-flow URLs, which are emailed and shown to users.
        errors.append(
            error(
                5,
                'CONDUCTOR["PUBLISHABLE_KEY"] holds a secret key.',
                "Put the secret key in SECRET_KEY only, and rotate it in the Conductor dashboard "
                "if it has been used here: it would have been sent in connection links.",
            )
        )
    elif not publishable.startswith(PUBLISHABLE_PREFIX):
        errors.append(
            error(
                3,
                f'CONDUCTOR["PUBLISHABLE_KEY"] does not start with {PUBLISHABLE_PREFIX!r}.',
                "Set it, or the CONDUCTOR_PUBLISHABLE_KEY environment variable, to the "
                "publishable key from the Conductor dashboard (API keys).",
            )
        )
    return errors


def _has_middleware(path: str) -> bool:
    wanted = import_string(path)
    for entry in settings.MIDDLEWARE or ():
        try:
            middleware = import_string(entry)
        except ImportError:
            continue
        if isinstance(middleware, type) and issubclass(middleware, wanted):
            return True
    return False


@checks.register(TAG)
def check_sessions_and_messages(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> Messages:
    errors: Messages = []
    needs = [
        (
            "django.contrib.sessions",
            SESSION_MIDDLEWARE,
            10,
            11,
            "the callback's one-time state is kept in the session",
            "before AuthenticationMiddleware",
        ),
        (
            "django.contrib.messages",
            MESSAGE_MIDDLEWARE,
            12,
            13,
            "the callback tells the user the outcome with a message",
            "after SessionMiddleware",
        ),
    ]
    for app, middleware, app_id, middleware_id, why, where in needs:
        if not apps.is_installed(app):
            errors.append(
                error(
                    app_id,
                    f"{app} is not in INSTALLED_APPS.",
                    f"Add {app!r} to INSTALLED_APPS (and run migrate): {why}.",
                )
            )
        if not _has_middleware(middleware):
            errors.append(
                error(
                    middleware_id,
                    f"{middleware} is not in MIDDLEWARE.",
                    f"Add {middleware!r} (or a subclass) to MIDDLEWARE, {where}: {why}.",
                )
            )
    return errors


@checks.register(TAG)
def check_callback_url(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    if codat_only():
        return []
    try:
        reverse("conductor_django:callback")
    except NoReverseMatch:
        return [
            warning(
                4,
                "The URL conductor_django:callback cannot be reversed.",
                'Add path("quickbooks/", include("conductor_django.urls")) to your URLconf; '
                "without it no user can connect QuickBooks Desktop.",
            )
        ]
    return []


@checks.register(TAG)
def check_task_framework(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    # Sign-up survives without it (the enqueue is refused and logged), but no end-user is then
    # created in the background: say so at start-up rather than in a log line per sign-up.
    from .tasks_compat import FIX, IMPORT_ERROR

    if IMPORT_ERROR is None:
        return []
    return [error(14, f"No task framework could be imported: {IMPORT_ERROR}.", FIX)]


# Conductor's own time to finish a create after our read timeout ran out: undocumented, so an
# assumption, kept generous.
CONDUCTOR_PROCESSING_SECONDS = 30


@checks.register(TAG)
def check_create_grace(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    """W006: a grace period too short for a create we gave up on to show up at Conductor."""
    if settings_dict() is None:
        return []
    grace: float | None
    floor: float | None
    try:
        grace = float(app_settings.CREATE_GRACE_SECONDS)
        floor = (
            float(app_settings.CONNECT_TIMEOUT)
            + float(app_settings.READ_TIMEOUT)
            + CONDUCTOR_PROCESSING_SECONDS
        )
    except (TypeError, ValueError):
        grace, floor = None, None
    if grace is not None and floor is not None and grace > floor:
        return []
    return [
        warning(
            6,
            "CONDUCTOR['CREATE_GRACE_SECONDS'] must be a number of seconds above CONNECT_TIMEOUT "
            f"+ READ_TIMEOUT + {CONDUCTOR_PROCESSING_SECONDS} (Conductor's own processing time); "
            f"it is {app_settings.CREATE_GRACE_SECONDS!r}.",
            "After a create times out, Conductor may still complete it. Shorter than that, the "
            "next attempt may not see it yet and create a second end-user for the owner. "
            f"Raise it above {floor:g} seconds (the default is 120)."
            if floor is not None
            else "Give CREATE_GRACE_SECONDS, CONNECT_TIMEOUT and READ_TIMEOUT as numbers.",
        )
    ]
