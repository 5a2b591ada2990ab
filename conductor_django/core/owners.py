"""Owners: the host rows (users, organizations) whose connections the providers manage.

One rule for every provider: rows of the owner model (``CONDUCTOR["OWNER_MODEL"]``, by default
the user model), and only those, get a provider's record (a Conductor end-user, a Codat
company). A model that carries a provider's mixin without being the owner model keeps the
field, but its rows get nothing from any path.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, empty

from .conf import owner_settings


class NotAnOwnerError(ImproperlyConfigured):
    """A row of a model that is not the owner model was given where an owner is needed."""


class OwnerLookup(TypedDict):
    """The lookup of the records kept for one owner (``models.OwnerReference`` rows)."""

    owner_type: ContentType
    owner_id: str


def owner_model() -> type[Model]:
    from django.contrib.auth import get_user_model

    label = owner_settings.OWNER_MODEL
    if not label:
        return get_user_model()
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise ImproperlyConfigured(f'CONDUCTOR["OWNER_MODEL"] = {label!r}: {exc}') from None


def is_owner_model(model: type[Model]) -> bool:
    """Whether rows of ``model`` (or of a proxy of it) are owners."""
    return model._meta.concrete_model is owner_model()._meta.concrete_model


def require_owner(owner: Model, *, gets: str = "no connection") -> None:
    """Raise ``NotAnOwnerError`` unless ``owner`` is a row of the owner model; ``gets`` says
    what such rows miss out on (``"no Conductor end-user"``)."""
    # ``__class__``, not ``type()``: a resolver may hand over the request's lazy user.
    model = owner.__class__
    if not is_owner_model(model):
        raise NotAnOwnerError(
            f"{model._meta.label} is not the owner model ({owner_model()._meta.label}): its rows "
            f"get {gets}. Pass a row of the owner model, or set CONDUCTOR['OWNER_MODEL'] to this "
            "model."
        )


def _request_user(request: HttpRequest) -> Any:
    user: Any = request.user
    # AuthenticationMiddleware's lazy wrapper would make type(owner) SimpleLazyObject.
    if isinstance(user, SimpleLazyObject):
        lazy: Any = user
        if lazy._wrapped is empty:
            lazy._setup()
        user = lazy._wrapped
    return user


def resolve_owner(request: HttpRequest) -> Any:
    """The row whose connections this request manages (default: the user)."""
    return owner_settings.callable("OWNER_RESOLVER", _request_user)(request)


def _always(request: HttpRequest, owner: Model) -> bool:
    return True


def can_manage(request: HttpRequest, owner: Model) -> bool:
    """Whether this request may connect or disconnect the owner's connections (default: yes)."""
    return bool(owner_settings.callable("CAN_MANAGE_CONNECTION", _always)(request, owner))


def default_company_name(owner: Model) -> str:
    """The owner's ``company_name`` or ``name``, else its full name, else ``str(owner)``."""
    for attribute in ("company_name", "name"):
        value = getattr(owner, attribute, None)
        if isinstance(value, str) and value:
            return value
    full_name = getattr(owner, "get_full_name", lambda: "")()
    return str(full_name or owner)


def owner_reference(owner: Model) -> OwnerLookup:
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": str(owner.pk)}


def owner_key(owner: Model) -> str:
    """``accounts.user:42``: the owner's model and primary key, unique across host models."""
    return f"{owner._meta.label_lower}:{owner.pk}"


def stored_value(model: type[Model], pk: object, field: str) -> Any:
    """The value of ``field`` on the row as the database has it now."""
    return model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
