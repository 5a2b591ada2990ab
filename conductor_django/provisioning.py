"""Exactly one Conductor end-user per owner row.

Conductor has no idempotency keys and does not deduplicate ``sourceId``, so "exactly once" is
ours to guarantee: a lease row (``EndUserClaim``) taken with a conditional UPDATE lets one
worker at a time create the end-user, across threads and processes; a previous attempt that may
have reached Conductor (a timeout, a 5xx, a crash) makes the next one look the end-user up by
``sourceId`` before creating another. No database lock is held during the HTTP call.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.db.models import Case, F, Q, When
from django.utils import timezone

from . import signals
from .client import ConductorError, InvalidRequestError, NetworkError
from .clients import get_client
from .conf import app_settings
from .models import EndUserClaim
from .owners import end_user_fields, owner_reference

logger = logging.getLogger("conductor_django.provisioning")

_disabled = ContextVar("conductor_django_provisioning_disabled", default=False)


class ProvisioningInProgress(Exception):
    """Another worker holds the lease on creating this owner's end-user."""


@contextmanager
def provisioning_disabled():
    """Saves inside this block do not create Conductor end-users (bulk imports, fixtures)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def provisioning_enabled():
    return app_settings.AUTO_PROVISION and not _disabled.get()


def _stored_id(model, pk):
    return (
        model._default_manager.filter(pk=pk).values_list("conductor_end_user_id", flat=True).first()
    )


def _take_lease(owner):
    ref = owner_reference(owner)
    claim, _ = EndUserClaim.objects.get_or_create(**ref)
    now = timezone.now()
    taken = (
        EndUserClaim.objects.filter(pk=claim.pk)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_expires_at=now + timedelta(seconds=app_settings.PROVISIONING_LEASE_SECONDS),
            attempts=F("attempts") + 1,
            # A lease that ran out rather than being released: that worker died mid-attempt.
            may_exist_upstream=Case(
                When(lease_expires_at__isnull=False, then=True), default=F("may_exist_upstream")
            ),
            updated_at=now,
        )
    )
    return EndUserClaim.objects.filter(pk=claim.pk).first() if taken else None


def ensure_end_user(owner, client=None, find_existing=None):
    """Return the owner's Conductor end-user id, creating the end-user if it has none.

    ``find_existing(source_id)`` looks up an end-user an earlier attempt may have created
    (default: list Conductor's end-users); bulk callers pass one backed by a single listing.
    Raises ``ProvisioningInProgress`` when another worker is creating it right now, and
    ``ConductorError`` when Conductor fails; either way nothing is duplicated.
    """
    if owner.conductor_end_user_id:
        return owner.conductor_end_user_id
    model = type(owner)
    claim = _take_lease(owner)
    if claim is None:
        stored = _stored_id(model, owner.pk)
        if stored:
            owner.conductor_end_user_id = stored
            return stored
        raise ProvisioningInProgress(f"{model._meta.label} {owner.pk}")
    try:
        client = client or get_client()
        end_user_id = _create_or_adopt(owner, claim, client, find_existing or client.find_end_user)
    except BaseException as exc:
        release = {"lease_expires_at": None, "last_error": str(exc)[:1000]}
        if not isinstance(exc, ConductorError) or _may_have_happened(exc):
            release["may_exist_upstream"] = True
        EndUserClaim.objects.filter(pk=claim.pk).update(updated_at=timezone.now(), **release)
        raise
    EndUserClaim.objects.filter(pk=claim.pk).delete()
    return end_user_id


def _may_have_happened(error):
    if isinstance(error, NetworkError):
        return True
    return not isinstance(error, InvalidRequestError) and (error.http_status_code or 500) >= 500


def _create_or_adopt(owner, claim, client, find_existing):
    model = type(owner)
    stored = _stored_id(model, owner.pk)
    if stored:
        owner.conductor_end_user_id = stored
        return stored
    fields = end_user_fields(owner)
    end_user = find_existing(fields["source_id"]) if claim.may_exist_upstream else None
    created = end_user is None
    if created:
        end_user = client.create_end_user(**fields)
    model._default_manager.filter(pk=owner.pk, conductor_end_user_id__isnull=True).update(
        conductor_end_user_id=end_user.id
    )
    owner.conductor_end_user_id = end_user.id
    logger.info(
        "%s Conductor end-user %s for %s %s",
        "Created" if created else "Adopted existing",
        end_user.id,
        model._meta.label,
        owner.pk,
    )
    signals.end_user_created.send(sender=model, owner=owner, end_user_id=end_user.id)
    return end_user.id
