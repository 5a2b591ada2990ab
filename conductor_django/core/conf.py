"""One settings dict per provider, read on every access (anymail-style) so that
``override_settings`` works and a missing key fails where it is needed, naming the setting.

``CONDUCTOR`` also holds the settings every provider shares (the owner model, its resolver and
who may manage a connection); ``CODAT`` holds Codat's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

F = TypeVar("F", bound=Callable[..., Any])


class ProviderSettings:
    """The settings dict named ``setting``: its keys with ``defaults``, some of them falling
    back to an environment variable (``env``) when unset."""

    def __init__(
        self,
        setting: str,
        defaults: Mapping[str, Any],
        env: Mapping[str, str] | None = None,
        *,
        app: str = "conductor_django",
    ) -> None:
        self.setting = setting
        self.defaults = dict(defaults)
        self.env = dict(env or {})
        self.app = app

    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, self.setting, {}) or {}
        if not isinstance(value, dict):
            raise ImproperlyConfigured(f"settings.{self.setting} must be a dict.")
        return value

    def get(self, name: str) -> Any:
        user = self.user_settings()
        if user.get(name) is not None:
            return user[name]
        variable = self.env.get(name)
        if variable and os.environ.get(variable):
            return os.environ[variable]
        return self.defaults[name]

    def __getattr__(self, name: str) -> Any:
        # Only for names not found normally: every key of the dict reads as an attribute.
        defaults = self.__dict__.get("defaults", {})
        if name.startswith("_") or name not in defaults:
            setting = self.__dict__.get("setting", "The settings dict")
            raise AttributeError(f"{setting} has no setting named {name!r}.")
        return self.get(name)

    def require(self, name: str) -> Any:
        value = self.get(name)
        if not value:
            variable = self.env.get(name)
            hint = f" or the {variable} environment variable" if variable else ""
            raise ImproperlyConfigured(f'Set {self.setting}["{name}"]{hint} to use {self.app}.')
        return value

    def callable(self, name: str, default: F) -> F:
        """The callable a dotted-path setting names, or ``default`` when unset."""
        path = self.get(name)
        if not path:
            return default
        if callable(path):
            found: F = path
            return found
        try:
            imported: F = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f'{self.setting}["{name}"] = {path!r} cannot be imported: {exc}'
            ) from None
        return imported


#: The settings every provider shares, kept in the ``CONDUCTOR`` dict where they always were.
OWNER_DEFAULTS: dict[str, Any] = {
    "OWNER_MODEL": None,
    "OWNER_RESOLVER": None,
    "CAN_MANAGE_CONNECTION": None,
}

owner_settings = ProviderSettings("CONDUCTOR", OWNER_DEFAULTS)
