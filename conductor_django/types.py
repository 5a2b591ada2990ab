"""Types for host code: the callables the ``CONDUCTOR`` settings name.

Each is a ``Protocol`` generic in the host's owner model, so a host can check its own function
against the setting it is meant for::

    from conductor_django.types import ConnectionPermission, OwnerResolver

    def resolve_organization(request: HttpRequest) -> Organization | None: ...
    def is_admin(request: HttpRequest, owner: Organization) -> bool: ...

    _resolver: OwnerResolver[Organization] = resolve_organization
    _permission: ConnectionPermission[Organization] = is_admin

The request is Django's ``HttpRequest`` on the app's pages and template tags; the REST API passes
DRF's ``Request``, which answers the same attributes (``user``, ``session``, ``headers``, ...).
"""

from typing import TYPE_CHECKING, Protocol, TypeVar

from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import ConductorEndUserMixin

OwnerT = TypeVar("OwnerT", bound="ConductorEndUserMixin")
OwnerT_co = TypeVar("OwnerT_co", bound="ConductorEndUserMixin", covariant=True)
OwnerT_contra = TypeVar("OwnerT_contra", bound="ConductorEndUserMixin", contravariant=True)


class OwnerResolver(Protocol[OwnerT_co]):
    """``CONDUCTOR["OWNER_RESOLVER"]``: the owner whose connection a logged-in request manages,
    or None when there is none (the pages answer 404, the API ``NO_OWNER``)."""

    def __call__(self, request: HttpRequest, /) -> OwnerT_co | None: ...


class ConnectionPermission(Protocol[OwnerT_contra]):
    """``CONDUCTOR["CAN_MANAGE_CONNECTION"]``: whether this request may connect or disconnect
    the owner's QuickBooks Desktop."""

    def __call__(self, request: HttpRequest, owner: OwnerT_contra, /) -> bool: ...


class OwnerGetter(Protocol[OwnerT_contra]):
    """``CONDUCTOR["COMPANY_NAME_GETTER"]`` and ``CONDUCTOR["EMAIL_GETTER"]``: what Conductor's
    end-user gets for the owner."""

    def __call__(self, owner: OwnerT_contra, /) -> str: ...


__all__ = [
    "ConnectionPermission",
    "OwnerGetter",
    "OwnerResolver",
    "OwnerT",
    "OwnerT_co",
    "OwnerT_contra",
]
