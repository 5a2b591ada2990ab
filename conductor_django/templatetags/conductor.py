"""Template tags for a host's own pages: ``{% load conductor %}``.

They show what the app last recorded and never call Conductor. Every tag for the same owner on
one page shares a single database query: the status is remembered on the request (or, without
one, on the template context). With no owner argument at all, the tags use the request's owner
(``CONDUCTOR["OWNER_RESOLVER"]``, by default the logged-in user).

    {% conductor_status as qbd %}{% if qbd.is_connected %}...{% endif %}
    {% conductor_status_badge %}
    {% conductor_connect_button %}
    {% conductor_user_message %}

An owner argument that is not an owner (None, a variable that did not resolve, another model's
row, anything else) renders the tag's neutral state, never the viewer's own status in its place,
and logs a warning when DEBUG is on. With the engine's ``string_if_invalid`` set, a variable that
did not resolve renders that marker instead, as ``{{ variable }}`` would.
"""

import logging
from typing import cast

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..connection import recorded_status
from ..core.tags import (
    REQUEST_OWNER,
    NoneAsEmptyNode,
    may_manage,
    memo,
    none_as_empty,
    render,
    request_of,
    tag_owner,
)
from ..core.tags import Invalid as _Invalid
from ..models import ConductorEndUserMixin, ConnectionStatus

register = template.Library()
logger = logging.getLogger("conductor_django.templatetags")
Status = ConnectionStatus.Status

BUTTON_LABELS: dict[str, Promise] = {
    Status.CONNECTED: _("Manage QuickBooks Desktop connection"),
    Status.ERROR: _("Reconnect QuickBooks Desktop"),
    Status.NOT_SET_UP: _("Connect QuickBooks Desktop"),
    Status.UNKNOWN: _("Connect QuickBooks Desktop"),
}
VIEW_LABEL = _("View QuickBooks Desktop connection")
BADGE_TEMPLATE = "conductor_django/tags/badge.html"
BUTTON_TEMPLATE = "conductor_django/tags/connect_button.html"


def _load(owner: ConductorEndUserMixin) -> ConnectionStatus:
    # No end-user means no connection; an end-user never checked is simply unknown.
    return recorded_status(owner) or ConnectionStatus(
        end_user_id=owner.conductor_end_user_id or "",
        status=Status.UNKNOWN if owner.conductor_end_user_id else Status.NOT_SET_UP,
    )


def _owner(context: Context, tag: str, owner: object) -> ConductorEndUserMixin | _Invalid | None:
    """The owner a tag shows: the request's when called with no argument, else the argument
    itself if it is a row of the owner model; anything else stands for no owner at all."""
    # E007 reports an owner model without the mixin at start-up.
    return cast(ConductorEndUserMixin | _Invalid | None, tag_owner(context, tag, owner, logger))


def status_of(context: Context, owner: ConductorEndUserMixin | None) -> ConnectionStatus | None:
    """The owner's recorded status, loaded at most once per request (or per owner object)."""
    if owner is None:
        return None
    key = ("status", owner._meta.label_lower, owner.pk, owner.conductor_end_user_id)
    remembered = memo(request_of(context) or context)
    if key not in remembered:
        remembered[key] = _load(owner)
    status: ConnectionStatus = remembered[key]
    return status


@register.simple_tag(takes_context=True)
def conductor_status(
    context: Context, owner: object = REQUEST_OWNER
) -> ConnectionStatus | str | None:
    """The recorded status object: ``status``, ``label``, ``is_connected``, ``checked_at``,
    ``error_code``, ``user_facing_message``. None when there is no owner (the engine's
    ``string_if_invalid`` marker for an owner variable that did not resolve)."""
    found = _owner(context, "conductor_status", owner)
    if isinstance(found, _Invalid):
        return found
    return status_of(context, found)


_compile_status = register.tags["conductor_status"]


@register.tag("conductor_status")
def _conductor_status_tag(parser: Parser, token: Token) -> NoneAsEmptyNode:
    # Written out, it renders nothing for no owner, not "None"; with ``as`` the variable is None.
    return none_as_empty(_compile_status(parser, token))


@register.simple_tag(takes_context=True)
def conductor_status_badge(context: Context, owner: object = REQUEST_OWNER) -> str:
    found = _owner(context, "conductor_status_badge", owner)
    if isinstance(found, _Invalid):
        return found
    return render(context, BADGE_TEMPLATE, {"status": status_of(context, found)})


@register.simple_tag(takes_context=True)
def conductor_connect_button(
    context: Context, owner: object = REQUEST_OWNER, next_url: str | None = None
) -> str:
    """A link to the settings page; its label says what the user can do there."""
    found = _owner(context, "conductor_connect_button", owner)
    if isinstance(found, _Invalid):
        return found
    status = status_of(context, found)
    if found is None or status is None:
        return render(context, BUTTON_TEMPLATE, {"status": None})
    manages = may_manage(context, found)
    return render(
        context,
        BUTTON_TEMPLATE,
        {
            "status": status,
            "label": BUTTON_LABELS[status.status] if manages else VIEW_LABEL,
            "next_url": next_url,
        },
    )


@register.simple_tag(takes_context=True)
def conductor_user_message(context: Context, owner: object = REQUEST_OWNER) -> str:
    """Conductor's explanation of the last failure, or an empty string."""
    found = _owner(context, "conductor_user_message", owner)
    if isinstance(found, _Invalid):
        return found
    status = status_of(context, found)
    return status.user_facing_message if status else ""
