"""Codat's signals for host apps.

- ``company_created(sender=owner model, owner, company_id)``: a Codat company was created (or an
  earlier attempt's one adopted) and stored on the owner.
- ``connection_status_changed`` and ``connection_completed``: the same signals as Conductor's
  (``conductor_django.signals``), sent with ``provider="codat"`` and ``owner``, ``company_id``,
  ``connection_id``, ``platform_key``, ``platform_name``, ``old_status`` and ``new_status`` (as
  Codat spells them: ``PendingAuth``, ``Linked``, ``Deauthorized``, ``Unlinked``; ``old_status``
  None the first time, ``new_status`` None once the connection is deleted), ``error_code`` and
  ``user_facing_message`` (the connection's last error in user words, or ``""``).
  ``connection_completed`` fires when a connection becomes Linked.
- ``company_missing(sender=owner model, owner, company_id)``: Codat no longer has the owner's
  stored company (deleted in Codat's Portal), confirmed by Codat's list; the app forgot the id,
  once, marked its connections deleted, and gives the owner another (``company_created``
  follows when it is created or adopted).
"""

from __future__ import annotations

from django.dispatch import Signal

from ..signals import CODAT, connection_completed, connection_status_changed

__all__ = [
    "PROVIDER",
    "company_created",
    "company_missing",
    "connection_completed",
    "connection_status_changed",
]

PROVIDER = CODAT

company_created = Signal()
company_missing = Signal()
