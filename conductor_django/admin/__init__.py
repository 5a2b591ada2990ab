"""Admin pages for support staff: connection statuses, the links issued, the end-users replaced
after Conductor lost them, and owner actions.

A host adds ``ConductorOwnerAdminMixin`` to the admin of its owner model (the user, or the
organization) to get the actions and a read-only view of the connection on the change page::

    @admin.register(User)
    class UserAdmin(ConductorOwnerAdminMixin, auth_admin.UserAdmin):
        pass

Each action needs the owner model's change permission and a permission of its own, granted on
"QuickBooks Desktop connection": ``conductor_django.send_connection_link``,
``conductor_django.run_health_check``, ``conductor_django.create_end_users`` and
``conductor_django.disconnect_quickbooks``.

Nothing here shows the secret key, an ``authFlowUrl`` or a client secret: none of them is stored,
and the emailed link leaves only through the email.
"""

from .owners import ConductorOwnerAdminMixin, SendLinkForm
from .records import (
    AuthSessionRecordAdmin,
    ConnectionFilter,
    ConnectionStatusAdmin,
    LinkStateFilter,
    ReplacedEndUserAdmin,
)

__all__ = [
    "AuthSessionRecordAdmin",
    "ConductorOwnerAdminMixin",
    "ConnectionFilter",
    "ConnectionStatusAdmin",
    "LinkStateFilter",
    "ReplacedEndUserAdmin",
    "SendLinkForm",
]
