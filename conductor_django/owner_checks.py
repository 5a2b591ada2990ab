"""System checks of the owner model: E006 (not an installed model), E007 (it lacks
``ConductorEndUserMixin``, with a hint that fits the model at hand) and W005 (another model
carries the mixin, and its rows get no end-user). Registered with ``checks``' tag and ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from .checks import TAG, Messages, codat_only, error, settings_dict
from .conf import app_settings


@checks.register(TAG)
def check_owner_model(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    if settings_dict() is None or codat_only():
        return []
    label = app_settings.OWNER_MODEL or settings.AUTH_USER_MODEL
    setting = 'CONDUCTOR["OWNER_MODEL"]' if app_settings.OWNER_MODEL else "AUTH_USER_MODEL"
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return [
            error(
                6,
                f"The owner model {label!r} ({setting}) is not an installed model.",
                f"Set {setting} to 'app_label.ModelName', naming a model whose app is in "
                "INSTALLED_APPS.",
            )
        ]
    from .models import ConductorEndUserMixin

    if not issubclass(model, ConductorEndUserMixin):
        return [
            error(
                7,
                f"The owner model {model._meta.label} ({setting}) does not use "
                "ConductorEndUserMixin.",
                _owner_model_hint(model),
            )
        ]
    return []


MIXIN = "conductor_django.models.ConductorEndUserMixin"
OWNER_MODEL_HINT = (
    "set CONDUCTOR['OWNER_MODEL'] to a model of yours that has the mixin (an organization, a "
    "team or a profile: whatever should own the QuickBooks connection)"
)


def _is_editable(model: type[Model]) -> bool:
    # A model from Django or an installed package cannot take a new base class.
    path = Path(apps.get_app_config(model._meta.app_label).path).parts
    return not model.__module__.startswith("django.") and not (
        {"site-packages", "dist-packages"} & set(path)
    )


def _owner_model_hint(model: type[Model]) -> str:
    """A fix that can be made, for the owner model at hand."""
    if not app_settings.OWNER_MODEL and not _is_editable(model):
        # Django's auth.User (or a packaged user model): nobody can add a base class to it.
        return (
            f"{model._meta.label} cannot take the mixin. Either point AUTH_USER_MODEL at a "
            "custom user model of yours that has it (class User(ConductorEndUserMixin, "
            "AbstractUser) in one of your apps, then makemigrations; see Django's "
            '"Substituting a custom User model", simplest at the start of a project), or '
            f"{OWNER_MODEL_HINT}."
        )
    if not _is_editable(model):
        return (
            f"{model._meta.label} belongs to Django or an installed package and cannot take "
            f"the mixin: {OWNER_MODEL_HINT}, or remove OWNER_MODEL to let the user model "
            "(AUTH_USER_MODEL) own connections."
        )
    return (
        f"Add {MIXIN} to {model._meta.object_name}'s bases and run makemigrations, or "
        f"{OWNER_MODEL_HINT}."
    )


@checks.register(TAG)
def check_mixin_models(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> Messages:
    """W005: a model with the mixin that is not the owner model: its rows get no end-user."""
    if settings_dict() is None:
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
