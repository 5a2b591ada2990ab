"""Provision new owner rows after their transaction commits: sign-up never waits on a provider.

Each provider connects its own ``post_save`` receiver to every model carrying its mixin (the
owner model is read lazily, so tests and hosts may change it) and enqueues its own task, with the
row's model label and primary key, once the row is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_save

from .owners import is_owner_model


def after_commit(
    sender: type[Model], instance: Model, using: str, enqueue: Callable[[str, Any], None]
) -> None:
    """``enqueue(model_label, pk)`` once the row is committed, if it is a row of the owner
    model (rows of another model carrying the mixin get nothing)."""
    if not is_owner_model(sender):
        return
    label, pk = sender._meta.label, instance.pk
    # A primitive pk (int, or str for UUIDs) survives any task backend's serialization.
    pk = pk if isinstance(pk, int | str) else str(pk)
    transaction.on_commit(lambda: enqueue(label, pk), using=using)


def connect(
    models: Iterable[type[Model]],
    mixin: type[Model],
    receiver: Callable[..., None],
    prefix: str,
) -> None:
    """Connect ``receiver`` to ``post_save`` of every concrete model carrying ``mixin``."""
    for model in models:
        if issubclass(model, mixin) and not model._meta.abstract:
            post_save.connect(receiver, sender=model, dispatch_uid=f"{prefix}:{model._meta.label}")
