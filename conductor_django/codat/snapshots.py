"""The owner's recorded connections kept in the cache for a page shown often (the connections
page within ``STATUS_CACHE_TTL`` of a refresh), so that a warm page reads neither Codat nor the
database for them.

Every write to an owner's rows (``records.apply``, ``records.mark_deleted``,
``data_status.apply``) calls ``changed``, which gives the owner a new version token at once and
again when the transaction commits. Readers cache what they read with the version they saw
before reading: a reader that raced a write stores what it read with a version no later reader
asks for, so a stale list is never served.
"""

from __future__ import annotations

import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.db.models import Model

from ..core import readahead
from .conf import codat_settings
from .models import CodatConnection

# Long enough to serve a warm page for a while; a write makes it moot before that.
KEEP_SECONDS = 60 * 60


def _cache() -> BaseCache:
    return caches[codat_settings.CACHE_ALIAS]


def _version_key(owner_type_id: int, owner_id: str) -> str:
    return f"conductor_codat:rows:{owner_type_id}:{owner_id}"


def changed(owner_type_id: int, owner_id: str) -> None:
    """An owner's rows changed (or are about to, in the current transaction)."""
    key = _version_key(owner_type_id, owner_id)

    def bump() -> None:
        _cache().set(key, secrets.token_hex(8), KEEP_SECONDS)

    bump()
    transaction.on_commit(bump)


def changed_row(row: CodatConnection) -> None:
    changed(row.owner_type_id, row.owner_id)


def _owner_key(owner: Model) -> str:
    owner_type = ContentType.objects.get_for_model(owner)
    return _version_key(owner_type.pk, str(owner.pk))


def cache_keys(owner: Model) -> list[str]:
    """What ``of_owner`` reads, for a page's ``read_ahead``."""
    key = _owner_key(owner)
    return [key, f"{key}:rows"]


def of_owner(owner: Model) -> list[CodatConnection]:
    """The owner's connections that still exist, oldest first, as ``records.of_owner`` has them,
    from the cache when no write happened since they were read."""
    from . import records

    cache = _cache()
    key, rows_key = cache_keys(owner)
    version = readahead.get(cache, key)
    if version is None:
        cache.add(key, secrets.token_hex(8), KEEP_SECONDS)
        version = cache.get(key)
        if version is None:  # a cache that keeps nothing (DummyCache)
            return list(records.of_owner(owner))
    # The rows are kept with the version they were read under: one key per owner, and a
    # snapshot stored late by a reader that raced a write names a version no one asks for.
    snapshot = readahead.get(cache, rows_key)
    if isinstance(snapshot, tuple) and len(snapshot) == 2 and snapshot[0] == version:
        rows: list[CodatConnection] = snapshot[1]
        return rows
    rows = list(records.of_owner(owner))
    cache.set(rows_key, (version, rows), KEEP_SECONDS)
    return rows
