"""Template tags for a host's own pages: ``{% load codat %}``.

They show what the app last recorded and never call Codat. Every tag for the same owner on one
page shares a single database query. With no owner argument, the tags use the request's owner
(``CONDUCTOR["OWNER_RESOLVER"]``, by default the logged-in user); an argument that is not an
owner renders the tag's neutral state, as the Conductor tags do (``core.tags``).

    {% codat_status as codat %}{% if codat.is_connected %}...{% endif %}
    {% codat_connections as connections %}{% for c in connections %}{{ c.platform_name }}…
    {% codat_status_badge %}
    {% codat_connect_button %}
"""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.db.models import Model
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ...core.tags import (
    REQUEST_OWNER,
    Invalid,
    NoneAsEmptyNode,
    may_manage,
    memo,
    none_as_empty,
    render,
    request_of,
    tag_owner,
)
from .. import records
from ..models import CodatConnection
from ..summary import ATTENTION, CONNECTED, NOT_CONNECTED, PENDING, Summary

register = template.Library()
logger = logging.getLogger("conductor_django.codat.templatetags")

CONNECTIONS_PAGE = "conductor_codat:connections"
BADGE_TEMPLATE = "conductor_codat/tags/badge.html"
BUTTON_TEMPLATE = "conductor_codat/tags/connect_button.html"
BUTTON_LABELS: dict[str, Promise] = {
    CONNECTED: _("Manage accounting connection"),
    ATTENTION: _("Reconnect accounting software"),
    PENDING: _("Connect accounting software"),
    NOT_CONNECTED: _("Connect accounting software"),
}
VIEW_LABEL = _("View accounting connection")


def summary_of(context: Context, owner: Model | None) -> Summary | None:
    """The owner's recorded connections, loaded at most once per request (or per owner)."""
    if owner is None:
        return None
    company = getattr(owner, "codat_company_id", None)
    key = ("codat", owner._meta.label_lower, owner.pk, company)
    remembered = memo(request_of(context) or context)
    if key not in remembered:
        rows: tuple[CodatConnection, ...] = tuple(records.of_owner(owner)) if company else ()
        remembered[key] = Summary(rows)
    found: Summary = remembered[key]
    return found


def _owner(context: Context, tag: str, owner: object) -> Model | Invalid | None:
    found = tag_owner(context, tag, owner, logger)
    # An owner model without the mixin has no Codat connections (conductor_codat.E007 says so).
    if isinstance(found, Model) and not hasattr(found, "codat_company_id"):
        return None
    return found


@register.simple_tag(takes_context=True)
def codat_status(context: Context, owner: object = REQUEST_OWNER) -> Summary | str | None:
    """The recorded summary: ``status`` (connected, attention, pending, not_connected),
    ``label``, ``is_connected``, ``message``, ``primary`` and ``connections``. None when there
    is no owner (the engine's ``string_if_invalid`` marker for one that did not resolve)."""
    found = _owner(context, "codat_status", owner)
    if isinstance(found, Invalid):
        return found
    return summary_of(context, found)


_compile_status = register.tags["codat_status"]


@register.tag("codat_status")
def _codat_status_tag(parser: Parser, token: Token) -> NoneAsEmptyNode:
    return none_as_empty(_compile_status(parser, token))


@register.simple_tag(takes_context=True)
def codat_connections(
    context: Context, owner: object = REQUEST_OWNER
) -> tuple[CodatConnection, ...] | str:
    """The owner's connections as recorded, oldest first (empty for no owner)."""
    found = _owner(context, "codat_connections", owner)
    if isinstance(found, Invalid):
        return found
    summary = summary_of(context, found)
    return summary.connections if summary else ()


@register.simple_tag(takes_context=True)
def codat_status_badge(context: Context, owner: object = REQUEST_OWNER) -> str:
    found = _owner(context, "codat_status_badge", owner)
    if isinstance(found, Invalid):
        return found
    return render(context, BADGE_TEMPLATE, {"summary": summary_of(context, found)})


def _page_url() -> str | None:
    try:
        return reverse(CONNECTIONS_PAGE)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def codat_connect_button(
    context: Context, owner: object = REQUEST_OWNER, next_url: str | None = None
) -> str:
    """A link to the connections page (``conductor_codat:connections``); its label says what
    the user can do there. Nothing where the page is not routed."""
    found = _owner(context, "codat_connect_button", owner)
    if isinstance(found, Invalid):
        return found
    summary = summary_of(context, found)
    url = _page_url()
    values: dict[str, Any] = {"summary": None}
    if found is not None and summary is not None and url is not None:
        manages = may_manage(context, found)
        values = {
            "summary": summary,
            "url": url,
            "label": BUTTON_LABELS[summary.status] if manages else VIEW_LABEL,
            "next_url": next_url,
        }
    return render(context, BUTTON_TEMPLATE, values)
