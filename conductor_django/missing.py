"""A stored end-user that Conductor no longer has.

Conductor answers ``RESOURCE_MISSING`` for an end-user deleted on its dashboard, or for every
stored id once the keys open another Conductor project (test keys switched to live). The owner
then gets another end-user, exactly once however many requests see the 404 together:

1. confirm it: Conductor lists its end-users and the id is not among them. Where every call
   404s (a wrong ``API_BASE_URL``) the list fails too, and the 404 is treated as an outage;
2. forget the id with a conditional UPDATE (only while the row still holds it): one caller wins,
   keeps the old id in ``ReplacedEndUser`` and a WARNING line, and sends ``end_user_missing``;
3. every caller then provisions as usual (the lease makes it one create), looking the owner up by
   ``sourceId`` first: the other project may already have one for it.
"""

from __future__ import annotations

import logging

from django.db.models import Model
from django.utils import timezone

from . import signals
from .client import ConductorClient, ConductorError, EndUser, NotFoundError
from .logs import describe, owner_label
from .models import ReplacedEndUser
from .owners import owner_reference
from .provisioning import FindExisting

logger = logging.getLogger("conductor_django.missing")


class MissingNotConfirmed(ConductorError):
    """Conductor answered ``RESOURCE_MISSING`` for an end-user but its list of end-users could
    not confirm that it is gone: nothing is replaced, and the answer counts as an outage."""

    @property
    def is_transient(self) -> bool:
        return True


def confirm(
    owner: Model, end_user_id: str, error: NotFoundError, client: ConductorClient
) -> list[EndUser]:
    """Conductor's end-users, once they show that ``end_user_id`` really is gone; else raise
    ``MissingNotConfirmed``."""
    said = (
        f"Conductor answered RESOURCE_MISSING for end-user {end_user_id} of {owner_label(owner)} "
        f"({describe(error)})"
    )
    try:
        listed = client.list_end_users()
    except ConductorError as exc:
        raise MissingNotConfirmed(
            f"{said}, but could not list its end-users to confirm it is gone ({describe(exc)}); "
            "if every call fails like this, check CONDUCTOR['API_BASE_URL']",
            code=error.code,
            request_id=error.request_id,
        ) from None
    if any(end_user.id == end_user_id for end_user in listed):
        raise MissingNotConfirmed(
            f"{said}, but still lists it", request_id=error.request_id, code=error.code
        )
    return listed


def forget(owner: Model, end_user_id: str, error: NotFoundError) -> bool:
    """Clear the owner's stored id if it still is ``end_user_id``; True for the caller that did
    (it alone records the old id, logs it and sends ``end_user_missing``)."""
    model = owner.__class__
    forgotten = model._default_manager.filter(
        pk=owner.pk, conductor_end_user_id=end_user_id
    ).update(conductor_end_user_id=None)
    stored = (
        None
        if forgotten
        else model._default_manager.filter(pk=owner.pk)
        .values_list("conductor_end_user_id", flat=True)
        .first()
    )
    # ``owner`` is any model with ConductorEndUserMixin, which ``Model`` does not say.
    setattr(owner, "conductor_end_user_id", stored)  # noqa: B010
    if not forgotten:
        return False
    ReplacedEndUser.objects.create(
        **owner_reference(owner),
        end_user_id=end_user_id,
        request_id=error.request_id or "",
        replaced_at=timezone.now(),
    )
    logger.warning(
        "Conductor no longer has end-user %s of %s (request %s): the app forgot it and gives "
        "the owner another.",
        end_user_id,
        owner_label(owner),
        error.request_id or "unknown",
    )
    signals.end_user_missing.send(
        sender=model, owner=owner, end_user_id=end_user_id, request_id=error.request_id
    )
    return True


def finder(listed: list[EndUser]) -> FindExisting:
    """A ``find_existing`` for ``ensure_end_user`` backed by the listing ``confirm`` made."""

    def find(source_id: str) -> EndUser | None:
        matches = [end_user for end_user in listed if end_user.source_id == source_id]
        # The oldest, as any other path adopting by sourceId would choose.
        return min(matches, key=lambda end_user: end_user.created_at) if matches else None

    return find
