"""How host rows map to Conductor: which model owns an end-user, what we send for it, and who
may manage its connection.

The rule for who gets an end-user is every provider's (``core.owners``): rows of the owner model
(``CONDUCTOR["OWNER_MODEL"]``, by default the user model), and only those. A model that carries
``ConductorEndUserMixin`` without being the owner model keeps the field, but its rows get no
end-user from any path.
"""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Model

from .conf import app_settings
from .core.owners import (
    NotAnOwnerError,
    OwnerLookup,
    can_manage,
    default_company_name,
    is_owner_model,
    owner_key,
    owner_model,
    owner_reference,
    resolve_owner,
)
from .core.owners import require_owner as _require_owner

__all__ = [
    "EndUserFields",
    "NotAnOwnerError",
    "OwnerLookup",
    "can_manage",
    "end_user_fields",
    "is_owner_model",
    "owner_for_end_user",
    "owner_key",
    "owner_model",
    "owner_reference",
    "require_owner",
    "resolve_owner",
]


class EndUserFields(TypedDict):
    """What Conductor's ``POST /end-users`` gets for an owner."""

    company_name: str
    source_id: str
    email: str


def require_owner(owner: Model) -> None:
    """Raise ``NotAnOwnerError`` unless ``owner`` is a row of the owner model."""
    _require_owner(owner, gets="no Conductor end-user")


def _default_email(owner: Model) -> str:
    field = getattr(owner, "get_email_field_name", lambda: "email")()
    return str(getattr(owner, field, "") or "")


def end_user_fields(owner: Model) -> EndUserFields:
    """What Conductor's ``POST /end-users`` gets for this owner."""
    return {
        "company_name": app_settings.callable("COMPANY_NAME_GETTER", default_company_name)(owner),
        "source_id": str(owner.pk),
        "email": app_settings.callable("EMAIL_GETTER", _default_email)(owner),
    }


def owner_for_end_user(end_user_id: str, model: type[Model] | None = None) -> Model | None:
    model = model or owner_model()
    return model._default_manager.filter(conductor_end_user_id=end_user_id).first()
