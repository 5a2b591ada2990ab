"""System checks (``manage.py check --tag conductor``) for the mistakes that otherwise surface
as a failed request: keys missing or swapped, settings misspelt, the owner model or the
session and messages machinery missing, the callback URL not routed.

No check touches the network or the database. Ids are stable: ``conductor_django.E001`` and up
for what breaks the app, ``conductor_django.W001`` and up for what may be intended (W005: a model
with the mixin that is not the owner model; W006: a create grace period too short).
"""

import difflib

from django.apps import apps
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


def _error(id_, msg, hint):
    return checks.Error(msg, hint=hint, id=f"conductor_django.E{id_:03d}")


def _warning(id_, msg, hint):
    return checks.Warning(msg, hint=hint, id=f"conductor_django.W{id_:03d}")


def _settings_dict():
    value = getattr(settings, "CONDUCTOR", {})
    return value if isinstance(value, dict) else None


@checks.register(TAG)
def check_settings(app_configs=None, **kwargs):
    user = _settings_dict()
    if user is None:
        return [
            _error(
                1,
                "settings.CONDUCTOR must be a dict.",
                'Write CONDUCTOR = {"SECRET_KEY": ..., "PUBLISHABLE_KEY": ...}.',
            )
        ]
    errors = []
    for name in sorted(set(user) - set(DEFAULTS)):
        close = difflib.get_close_matches(name, DEFAULTS, n=1)
        hint = f"Did you mean {close[0]!r}?" if close else "Remove it; it has no effect."
        errors.append(_warning(1, f"CONDUCTOR has no setting named {name!r}.", hint))
    errors += _check_keys()
    for name in ("LINK_EXPIRY_MINUTES", "EMAIL_LINK_EXPIRY_MINUTES"):
        try:
            app_settings.link_expiry(name)
        except (ImproperlyConfigured, TypeError, ValueError):
            errors.append(
                _error(
                    8,
                    f'CONDUCTOR["{name}"] must be a whole number of minutes from '
                    f"{MIN_LINK_EXPIRY_MINUTES} to {MAX_LINK_EXPIRY_MINUTES}.",
                    "Conductor refuses auth sessions with a link expiry outside these bounds.",
                )
            )
    for name in CALLABLE_SETTINGS:
        try:
            app_settings.callable(name, None)
        except ImproperlyConfigured as exc:
            errors.append(
                _error(9, str(exc), "Give the dotted path of a function, or the function itself.")
            )
    return errors


def _check_keys():
    secret = app_settings.SECRET_KEY
    publishable = app_settings.PUBLISHABLE_KEY
    errors = []
    if not secret:
        errors.append(
            _warning(
                2,
                'CONDUCTOR["SECRET_KEY"] is not set.',
                "Set it, or the CONDUCTOR_SECRET_KEY environment variable, to the secret key "
                "from the Conductor dashboard; no call to Conductor can be made without it.",
            )
        )
    elif secret.startswith(PUBLISHABLE_PREFIX):
        errors.append(
            _error(
                4,
                'CONDUCTOR["SECRET_KEY"] holds a publishable key.',
                f"The secret key starts with {SECRET_PREFIX!r}; the keys may be swapped.",
            )
        )
    elif not secret.startswith(SECRET_PREFIX):
        errors.append(
            _error(
                2,
                f'CONDUCTOR["SECRET_KEY"] does not start with {SECRET_PREFIX!r}.',
                "Copy the secret key from the Conductor dashboard (API keys).",
            )
        )
    if not publishable:
        errors.append(
            _warning(
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
            _error(
                5,
                'CONDUCTOR["PUBLISHABLE_KEY"] holds a secret key.',
                "Put the secret key in SECRET_KEY only, and rotate it in the Conductor dashboard "
                "if it has been used here: it would have been sent in connection links.",
            )
        )
    elif not publishable.startswith(PUBLISHABLE_PREFIX):
        errors.append(
            _error(
                3,
                f'CONDUCTOR["PUBLISHABLE_KEY"] does not start with {PUBLISHABLE_PREFIX!r}.',
                "Copy the publishable key from the Conductor dashboard (API keys).",
            )
        )
    return errors


@checks.register(TAG)
def check_owner_model(app_configs=None, **kwargs):
    if _settings_dict() is None:
        return []
    label = app_settings.OWNER_MODEL or settings.AUTH_USER_MODEL
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        setting = 'CONDUCTOR["OWNER_MODEL"]' if app_settings.OWNER_MODEL else "AUTH_USER_MODEL"
        return [
            _error(
                6,
                f"The owner model {label!r} ({setting}) is not an installed model.",
                "Name it as 'app_label.ModelName'.",
            )
        ]
    from .models import ConductorEndUserMixin

    if not issubclass(model, ConductorEndUserMixin):
        return [
            _error(
                7,
                f"The owner model {model._meta.label} does not use ConductorEndUserMixin.",
                "Add conductor_django.models.ConductorEndUserMixin to its bases and run "
                "makemigrations, or set CONDUCTOR['OWNER_MODEL'] to the model that does.",
            )
        ]
    return []


def _has_middleware(path):
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
def check_sessions_and_messages(app_configs=None, **kwargs):
    errors = []
    needs = [
        (
            "django.contrib.sessions",
            SESSION_MIDDLEWARE,
            10,
            11,
            "The callback's one-time state is kept in the session.",
        ),
        (
            "django.contrib.messages",
            MESSAGE_MIDDLEWARE,
            12,
            13,
            "The callback tells the user the outcome with a message.",
        ),
    ]
    for app, middleware, app_id, middleware_id, why in needs:
        if not apps.is_installed(app):
            errors.append(_error(app_id, f"{app} is not in INSTALLED_APPS.", why))
        if not _has_middleware(middleware):
            errors.append(_error(middleware_id, f"{middleware} is not in MIDDLEWARE.", why))
    return errors


@checks.register(TAG)
def check_callback_url(app_configs=None, **kwargs):
    try:
        reverse("conductor_django:callback")
    except NoReverseMatch:
        return [
            _warning(
                4,
                "The URL conductor_django:callback cannot be reversed.",
                'Add path("quickbooks/", include("conductor_django.urls")) to your URLconf; '
                "without it no user can connect QuickBooks Desktop.",
            )
        ]
    return []


@checks.register(TAG)
def check_mixin_models(app_configs=None, **kwargs):
    """W005: a model with the mixin that is not the owner model: its rows get no end-user."""
    if _settings_dict() is None:
        return []
    from .models import ConductorEndUserMixin
    from .owners import is_owner_model, owner_model

    try:
        owner = owner_model()
    except ImproperlyConfigured:
        return []  # E006 says so
    return [
        checks.Warning(
            f"{model._meta.label} uses ConductorEndUserMixin but is not the owner model "
            f"({owner._meta.label}): its rows get no Conductor end-user.",
            hint=f"Set CONDUCTOR['OWNER_MODEL'] = {model._meta.label!r} if its rows should own "
            "the QuickBooks connection, or remove the mixin from it. If both models carry it on "
            "purpose, add 'conductor_django.W005' to SILENCED_SYSTEM_CHECKS.",
            obj=model,
            id="conductor_django.W005",
        )
        for model in apps.get_models()
        if issubclass(model, ConductorEndUserMixin) and not is_owner_model(model)
    ]


# Conductor's own time to finish a create after our read timeout ran out: undocumented, so an
# assumption, kept generous.
CONDUCTOR_PROCESSING_SECONDS = 30


@checks.register(TAG)
def check_create_grace(app_configs=None, **kwargs):
    """W006: a grace period too short for a create we gave up on to show up at Conductor."""
    if _settings_dict() is None:
        return []
    try:
        grace = float(app_settings.CREATE_GRACE_SECONDS)
        floor = (
            float(app_settings.CONNECT_TIMEOUT)
            + float(app_settings.READ_TIMEOUT)
            + CONDUCTOR_PROCESSING_SECONDS
        )
    except (TypeError, ValueError):
        grace, floor = None, None
    if grace is not None and grace > floor:
        return []
    return [
        _warning(
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
