"""How owner rows map to Codat companies: the tag carrying our id for the owner, and what a new
company gets.

The tag (``CODAT["OWNER_TAG"]``, ``ownerId`` by default) holds ``<app_label.model>:<pk>``
(``accounts.user:42``), unique across host models, so two models' rows never share a company
and a company always says whose it is. Characters of a primary key that Codat's query language
would read as operators are percent-encoded.
"""

from __future__ import annotations

import re
from typing import TypedDict
from urllib.parse import quote, unquote

from django.db.models import Model

from ..core.owners import default_company_name, owner_key, owner_model
from .conf import codat_settings

#: What an ``OWNER_TAG`` may look like: a plain key, no operator of Codat's query language.
TAG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
# Codat strips other characters from a company name (assumed: the sandbox's and FakeCodat's
# rule); a name with nothing left would be refused, so the row's label stands in for it.
_NAME_KEPT = re.compile(r"[A-Za-z0-9]")


class CompanyFields(TypedDict):
    """What Codat's ``POST /companies`` gets for an owner."""

    name: str
    description: str
    tags: dict[str, str]


def tag_key() -> str:
    return str(codat_settings.OWNER_TAG)


def tag_value(owner: Model) -> str:
    """``accounts.user:42``: the owner's model and primary key, as the tag holds them."""
    label, _, pk = owner_key(owner).partition(":")
    # "~" stays as it is in quote(); Codat's query language reads it as "contains".
    return f"{label}:{quote(pk, safe='').replace('~', '%7E')}"


def pk_for(model: type[Model], value: str) -> object | None:
    """The primary key ``value`` stands for among ``model``'s rows, or None when it names
    another model (or none)."""
    label, sep, pk = value.partition(":")
    if not sep or label != model._meta.label_lower or model._meta.pk is None:
        return None
    try:
        found: object = model._meta.pk.to_python(unquote(pk))
    except Exception:  # ValidationError, TypeError, ValueError: not a key of this model
        return None
    return found


def company_fields(owner: Model) -> CompanyFields:
    """What Codat's ``POST /companies`` gets for this owner: its name (``COMPANY_NAME_GETTER``),
    a description naming the row for people reading Codat's Portal, and the owner tag."""
    name = str(codat_settings.callable("COMPANY_NAME_GETTER", default_company_name)(owner))
    return {
        "name": name if _NAME_KEPT.search(name) else f"{owner._meta.label} {owner.pk}",
        "description": f"{owner._meta.label} {owner.pk}",
        "tags": {tag_key(): tag_value(owner)},
    }


def owner_for_company(company_id: str) -> Model | None:
    """The owner row storing this company id, if any."""
    return owner_model()._default_manager.filter(codat_company_id=company_id).first()
