"""Template tags for a host's own pages: ``{% load conductor %}``.

They show what the app last recorded and never call Conductor. Every tag for the same owner on
one page shares a single database query: the status is remembered on the request (or, without
one, on the template context). With no owner argument, the tags use the request's owner
(``CONDUCTOR["OWNER_RESOLVER"]``, by default the logged-in user).

    {% conductor_status as qbd %}{% if qbd.is_connected %}...{% endif %}
    {% conductor_status_badge %}
    {% conductor_connect_button %}
    {% conductor_user_message %}
"""

from django import template
from django.utils.translation import gettext_lazy as _

from ..connection import recorded_status
from ..models import ConnectionStatus
from ..owners import can_manage, resolve_owner

register = template.Library()
Status = ConnectionStatus.Status

MEMO = "_conductor_django_status"
BUTTON_LABELS = {
    Status.CONNECTED: _("Manage QuickBooks Desktop connection"),
    Status.ERROR: _("Reconnect QuickBooks Desktop"),
    Status.NOT_SET_UP: _("Connect QuickBooks Desktop"),
    Status.UNKNOWN: _("Connect QuickBooks Desktop"),
}
VIEW_LABEL = _("View QuickBooks Desktop connection")


def _load(owner):
    # No end-user means no connection; an end-user never checked is simply unknown.
    return recorded_status(owner) or ConnectionStatus(
        end_user_id=owner.conductor_end_user_id or "",
        status=Status.UNKNOWN if owner.conductor_end_user_id else Status.NOT_SET_UP,
    )


def _memo(holder):
    memo = getattr(holder, MEMO, None)
    if memo is None:
        memo = {}
        try:
            setattr(holder, MEMO, memo)
        except AttributeError:
            return {}
    return memo


def _request(context):
    return context.get("request")


def _owner(context, owner):
    if owner is not None:
        return owner
    request = _request(context)
    if request is None or not getattr(request.user, "is_authenticated", False):
        return None
    memo = _memo(request)
    if "owner" not in memo:
        memo["owner"] = resolve_owner(request)
    return memo["owner"]


def status_of(context, owner):
    """The owner's recorded status, loaded at most once per request (or per owner object)."""
    owner = _owner(context, owner)
    if owner is None:
        return None
    key = ("status", owner._meta.label_lower, owner.pk, owner.conductor_end_user_id)
    memo = _memo(_request(context) or context)
    if key not in memo:
        memo[key] = _load(owner)
    return memo[key]


def _may_manage(context, owner):
    request = _request(context)
    if request is None:
        return True
    memo = _memo(request)
    key = ("can_manage", owner._meta.label_lower, owner.pk)
    if key not in memo:
        memo[key] = can_manage(request, owner)
    return memo[key]


@register.simple_tag(takes_context=True)
def conductor_status(context, owner=None):
    """The recorded status object: ``status``, ``label``, ``is_connected``, ``checked_at``,
    ``error_code``, ``user_facing_message``. None when there is no owner."""
    return status_of(context, owner)


@register.inclusion_tag("conductor_django/tags/badge.html", takes_context=True)
def conductor_status_badge(context, owner=None):
    return {"status": status_of(context, owner)}


@register.inclusion_tag("conductor_django/tags/connect_button.html", takes_context=True)
def conductor_connect_button(context, owner=None, next_url=None):
    """A link to the settings page; its label says what the user can do there."""
    status = status_of(context, owner)
    if status is None:
        return {"status": None}
    manages = _may_manage(context, _owner(context, owner))
    return {
        "status": status,
        "label": BUTTON_LABELS[status.status] if manages else VIEW_LABEL,
        "next_url": next_url,
    }


@register.simple_tag(takes_context=True)
def conductor_user_message(context, owner=None):
    """Conductor's explanation of the last failure, or an empty string."""
    status = status_of(context, owner)
    return status.user_facing_message if status else ""
