"""Signals for host apps. They fire whenever this app learns something, from whichever path
learnt it (pages, callbacks, API, admin, commands, tasks; for Codat, webhooks too).

Conductor's:

- ``end_user_created(sender=owner model, owner, end_user_id)``
- ``auth_session_created(sender=owner model, owner, record)`` with the ``AuthSessionRecord``
- ``end_user_missing(sender=owner model, owner, end_user_id, request_id)``: Conductor no longer
  has the owner's stored end-user (deleted on its dashboard, or the keys now open another
  project); the app forgot the id, once, and gives the owner another (``end_user_created``
  follows when it is created or adopted).

Every provider's:

- ``connection_status_changed(sender=owner model, owner, provider, old_status, new_status,
  user_facing_message, ...)``: Conductor's add ``end_user_id`` and ``error_code``; Codat's
  (``conductor_django.codat.signals``) add the company, connection and platform.
- ``connection_completed(sender=owner model, owner, provider, ...)``: a connection known to
  work where it was not before (Conductor's: the first passing check; Codat's: Linked).

``provider`` is ``"conductor"`` or ``"codat"``; a send that names none is Conductor's, so
receivers written before Codat existed hear Conductor's sends as they always did.
``owner`` may be None where the id no longer matches a host row.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

CONDUCTOR = "conductor"
CODAT = "codat"


class ProviderSignal(Signal):
    """A signal every provider sends, with ``provider`` naming which; Conductor's by default."""

    def send(self, sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        named.setdefault("provider", CONDUCTOR)
        return super().send(sender, **named)

    def send_robust(self, sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        named.setdefault("provider", CONDUCTOR)
        return super().send_robust(sender, **named)

    async def asend(self, sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        named.setdefault("provider", CONDUCTOR)
        return await super().asend(sender, **named)

    async def asend_robust(self, sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        named.setdefault("provider", CONDUCTOR)
        return await super().asend_robust(sender, **named)


end_user_created = Signal()
auth_session_created = Signal()
connection_status_changed = ProviderSignal()
connection_completed = ProviderSignal()
end_user_missing = Signal()
