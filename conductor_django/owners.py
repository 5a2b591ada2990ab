"""How host rows map to Conductor: which model owns an end-user, what we send for it, and who
may manage its connection.

The rule for who gets an end-user: rows of the owner model (``CONDUCTOR["OWNER_MODEL"]``, by
default the user model), and only those. A model that carries ``ConductorEndUserMixin`` without
being the owner model keeps the field, but its rows get no end-user from any path.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils.functional import SimpleLazyObject, empty

from .conf import app_settings


class NotAnOwnerError(ImproperlyConfigured):
    """A row of a model that is not the owner model was given where an owner is needed."""


def owner_model() -> type[Model]:
    from django.contrib.auth import get_user_model

    label = app_settings.OWNER_MODEL
    if not label:
        return get_user_model()
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise ImproperlyConfigured(f'CONDUCTOR["OWNER_MODEL"] = {label!r}: {exc}') from None


def is_owner_model(model: type[Model]) -> bool:
    """Whether rows of ``model`` (or of a proxy of it) get Conductor end-users."""
    return model._meta.concrete_model is owner_model()._meta.concrete_model


def require_owner(owner: Model) -> None:
    """Raise ``NotAnOwnerError`` unless ``owner`` is a row of the owner model."""
    # ``__class__``, not ``type()``: a resolver may hand over the request's lazy user.
    model = owner.__class__
    if not is_owner_model(model):
        raise NotAnOwnerError(
            f"{model._meta.label} is not the owner model ({owner_model()._meta.label}): its rows "
            "get no Conductor end-user. Pass a row of the owner model, or set "
            "CONDUCTOR['OWNER_MODEL'] to this model."
        )


def _request_user(request):
    user = request.user
    # AuthenticationMiddleware's lazy wrapper would make type(owner) SimpleLazyObject.
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def resolve_owner(request):
    """The row whose QuickBooks connection this request manages (default: the user)."""
    return app_settings.callable("OWNER_RESOLVER", _request_user)(request)


def _always(request, owner):
    return True


def can_manage(request, owner):
    """Whether this request may connect or disconnect the owner's QuickBooks (default: yes)."""
    return bool(app_settings.callable("CAN_MANAGE_CONNECTION", _always)(request, owner))


def _default_company_name(owner):
    for attribute in ("company_name", "name"):
        value = getattr(owner, attribute, None)
        if isinstance(value, str) and value:
            return value
    full_name = getattr(owner, "get_full_name", lambda: "")()
    return full_name or str(owner)


def _default_email(owner):
    field = getattr(owner, "get_email_field_name", lambda: "email")()
    return getattr(owner, field, "") or ""


def end_user_fields(owner):
    """What Conductor's ``POST /end-users`` gets for this owner."""
    return {
        "company_name": app_settings.callable("COMPANY_NAME_GETTER", _default_company_name)(owner),
        "source_id": str(owner.pk),
        "email": app_settings.callable("EMAIL_GETTER", _default_email)(owner),
    }


def owner_reference(owner):
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": str(owner.pk)}


def owner_for_end_user(end_user_id, model=None):
    model = model or owner_model()
    return model._default_manager.filter(conductor_end_user_id=end_user_id).first()
