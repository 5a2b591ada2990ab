"""The callables that make organizations own the QuickBooks connection.

    CONDUCTOR = {
        "OWNER_MODEL": "organizations.Organization",
        "OWNER_RESOLVER": "example_project.organizations.owners.organization_of",
        "CAN_MANAGE_CONNECTION": "example_project.organizations.owners.is_organization_admin",
    }

Both remember their answer on the request: a page asks several times.
"""

from .models import Membership

_MEMBERSHIP = "_example_membership"


def _membership(request):
    if not hasattr(request, _MEMBERSHIP):
        membership = None
        if request.user.is_authenticated:
            membership = (
                Membership.objects.select_related("organization")
                .filter(user_id=request.user.pk)
                .first()
            )
        setattr(request, _MEMBERSHIP, membership)
    return getattr(request, _MEMBERSHIP)


def organization_of(request):
    """The request's owner: the organization of the logged-in user (None without one)."""
    membership = _membership(request)
    return membership.organization if membership else None


def is_organization_admin(request, owner):
    """Only the organization's admins may connect or disconnect its QuickBooks."""
    membership = _membership(request)
    return bool(membership and membership.organization_id == owner.pk and membership.is_admin)
