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
from typing import Any, Final, cast

from django import template
from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest
from django.template.base import Parser, Template, Token
from django.template.context import Context
from django.template.library import SimpleNode
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..connection import recorded_status
from ..models import ConductorEndUserMixin, ConnectionStatus
from ..owners import can_manage, owner_model, resolve_owner

register = template.Library()
logger = logging.getLogger("conductor_django.templatetags")
Status = ConnectionStatus.Status

MEMO = "_conductor_django_status"
BUTTON_LABELS: dict[str, Promise] = {
    Status.CONNECTED: _("Manage QuickBooks Desktop connection"),
    Status.ERROR: _("Reconnect QuickBooks Desktop"),
    Status.NOT_SET_UP: _("Connect QuickBooks Desktop"),
    Status.UNKNOWN: _("Connect QuickBooks Desktop"),
}
VIEW_LABEL = _("View QuickBooks Desktop connection")
BADGE_TEMPLATE = "conductor_django/tags/badge.html"
BUTTON_TEMPLATE = "conductor_django/tags/connect_button.html"


class _RequestOwner:
    """The default of every tag's owner argument: no argument at all, so the request's owner.
    Distinct from None, which a template passes for a variable that is None."""

    def __repr__(self) -> str:
        return "<the request's owner>"


REQUEST_OWNER: Final = _RequestOwner()


class _Invalid(str):
    """The engine's ``string_if_invalid`` marker, standing for an owner that did not resolve."""


def _load(owner: ConductorEndUserMixin) -> ConnectionStatus:
    # No end-user means no connection; an end-user never checked is simply unknown.
    return recorded_status(owner) or ConnectionStatus(
        end_user_id=owner.conductor_end_user_id or "",
        status=Status.UNKNOWN if owner.conductor_end_user_id else Status.NOT_SET_UP,
    )


def _memo(holder: object) -> dict[object, Any]:
    memo = getattr(holder, MEMO, None)
    if memo is None:
        memo = {}
        try:
            setattr(holder, MEMO, memo)
        except AttributeError:
            return {}
    return memo


def _request(context: Context) -> HttpRequest | None:
    return context.get("request")


def _request_owner(context: Context) -> ConductorEndUserMixin | None:
    request = _request(context)
    if request is None or not getattr(request.user, "is_authenticated", False):
        return None
    memo = _memo(request)
    if "owner" not in memo:
        memo["owner"] = resolve_owner(request)
    owner: ConductorEndUserMixin | None = memo["owner"]
    return owner


def _invalid_marker(context: Context, value: object) -> _Invalid | None:
    """The engine's ``string_if_invalid`` when ``value`` is what Django passed for a variable
    that did not resolve (with ``'%s'`` in the marker, filled with the variable's name)."""
    engine = getattr(context.template, "engine", None)
    marker = getattr(engine, "string_if_invalid", "")
    if not marker or not isinstance(value, str):
        return None
    prefix, placeholder, suffix = marker.partition("%s")
    if placeholder:
        matches = value.startswith(prefix) and value.endswith(suffix)
    else:
        matches = value == marker
    return _Invalid(value) if matches else None


def _describe(value: object) -> str:
    # What the warning says about the argument: its kind, never its value (a row's str() may
    # be a person's name or e-mail address).
    if value is None:
        return "None"
    if value == "":
        return "an empty string (a variable that did not resolve?)"
    if isinstance(value, Model):
        return f"a row of {value._meta.label}"
    return f"a {type(value).__name__}"


def _owner(context: Context, tag: str, owner: object) -> ConductorEndUserMixin | _Invalid | None:
    """The owner a tag shows: the request's when called with no argument, else the argument
    itself if it is a row of the owner model; anything else stands for no owner at all."""
    if owner is REQUEST_OWNER:
        return _request_owner(context)
    # E007 reports an owner model without the mixin at start-up.
    model = cast(type[ConductorEndUserMixin], owner_model())
    if isinstance(owner, model) and owner.pk is not None:
        return owner
    if settings.DEBUG:
        logger.warning(
            "{%% %s %%} got %s for its owner, not a saved %s: rendering its neutral state.",
            tag,
            _describe(owner),
            owner_model()._meta.label,
        )
    return _invalid_marker(context, owner)


def status_of(context: Context, owner: ConductorEndUserMixin | None) -> ConnectionStatus | None:
    """The owner's recorded status, loaded at most once per request (or per owner object)."""
    if owner is None:
        return None
    key = ("status", owner._meta.label_lower, owner.pk, owner.conductor_end_user_id)
    memo = _memo(_request(context) or context)
    if key not in memo:
        memo[key] = _load(owner)
    status: ConnectionStatus = memo[key]
    return status


def _may_manage(context: Context, owner: ConductorEndUserMixin) -> bool:
    request = _request(context)
    if request is None:
        return True
    memo = _memo(request)
    key = ("can_manage", owner._meta.label_lower, owner.pk)
    if key not in memo:
        memo[key] = can_manage(request, owner)
    manages: bool = memo[key]
    return manages


def _render(context: Context, template_name: str, values: dict[str, Any]) -> SafeString:
    # What an inclusion tag does, written out so that a tag can answer a marker instead.
    cache = context.render_context
    if template_name not in cache:
        # A tag renders inside a template, so the context has one.
        assert context.template is not None
        cache[template_name] = context.template.engine.get_template(template_name)
    template: Template = cache[template_name]
    new_context = context.new(values)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return template.render(new_context)


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


class _StatusNode(SimpleNode):
    """``{% conductor_status %}`` written out renders nothing for no owner, not "None"; with
    ``as`` the variable is None, as documented."""

    def render(self, context: Context) -> str:
        args, kwargs = self.get_resolved_arguments(context)
        output = self.func(*args, **kwargs)
        if self.target_var is not None:
            context[self.target_var] = output
            return ""
        if output is None:
            return ""
        return conditional_escape(output) if context.autoescape else str(output)


_compile_status = register.tags["conductor_status"]


@register.tag("conductor_status")
def _conductor_status_tag(parser: Parser, token: Token) -> _StatusNode:
    node = _compile_status(parser, token)
    return _StatusNode(node.func, node.takes_context, node.args, node.kwargs, node.target_var)


@register.simple_tag(takes_context=True)
def conductor_status_badge(context: Context, owner: object = REQUEST_OWNER) -> str:
    found = _owner(context, "conductor_status_badge", owner)
    if isinstance(found, _Invalid):
        return found
    return _render(context, BADGE_TEMPLATE, {"status": status_of(context, found)})


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
        return _render(context, BUTTON_TEMPLATE, {"status": None})
    manages = _may_manage(context, found)
    return _render(
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
