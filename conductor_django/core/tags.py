"""What every provider's template tags share: which owner a tag shows (the request's, or the
argument if it is a row of the owner model; anything else stands for no owner, rendering the
tag's neutral state), one database query per owner per request (a memo on the request, or on
the template context without one), and rendering an included template.

Tags never call a provider: they show what the app last recorded.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest
from django.template.base import Template
from django.template.context import Context
from django.template.library import SimpleNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from .owners import can_manage, owner_model, resolve_owner

MEMO = "_conductor_django_status"


class _RequestOwner:
    """The default of every tag's owner argument: no argument at all, so the request's owner.
    Distinct from None, which a template passes for a variable that is None."""

    def __repr__(self) -> str:
        return "<the request's owner>"


REQUEST_OWNER: Final = _RequestOwner()


class Invalid(str):
    """The engine's ``string_if_invalid`` marker, standing for an owner that did not resolve."""


def memo(holder: object) -> dict[object, Any]:
    found = getattr(holder, MEMO, None)
    if found is None:
        found = {}
        try:
            setattr(holder, MEMO, found)
        except AttributeError:
            return {}
    return found


def request_of(context: Context) -> HttpRequest | None:
    return context.get("request")


def request_owner(context: Context) -> Model | None:
    request = request_of(context)
    if request is None or not getattr(request.user, "is_authenticated", False):
        return None
    remembered = memo(request)
    if "owner" not in remembered:
        remembered["owner"] = resolve_owner(request)
    owner: Model | None = remembered["owner"]
    return owner


def invalid_marker(context: Context, value: object) -> Invalid | None:
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
    return Invalid(value) if matches else None


def describe(value: object) -> str:
    # What a warning says about the argument: its kind, never its value (a row's str() may be a
    # person's name or e-mail address).
    if value is None:
        return "None"
    if value == "":
        return "an empty string (a variable that did not resolve?)"
    if isinstance(value, Model):
        return f"a row of {value._meta.label}"
    return f"a {type(value).__name__}"


def tag_owner(
    context: Context, tag: str, owner: object, logger: logging.Logger
) -> Model | Invalid | None:
    """The owner a tag shows: the request's when called with no argument, else the argument
    itself if it is a saved row of the owner model; anything else stands for no owner at all
    (logged as a warning when DEBUG is on)."""
    if owner is REQUEST_OWNER:
        return request_owner(context)
    model = owner_model()
    if isinstance(owner, model) and owner.pk is not None:
        return owner
    if settings.DEBUG:
        logger.warning(
            "{%% %s %%} got %s for its owner, not a saved %s: rendering its neutral state.",
            tag,
            describe(owner),
            model._meta.label,
        )
    return invalid_marker(context, owner)


def may_manage(context: Context, owner: Model) -> bool:
    request = request_of(context)
    if request is None:
        return True
    remembered = memo(request)
    key = ("can_manage", owner._meta.label_lower, owner.pk)
    if key not in remembered:
        remembered[key] = can_manage(request, owner)
    manages: bool = remembered[key]
    return manages


def render(context: Context, template_name: str, values: dict[str, Any]) -> SafeString:
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


class NoneAsEmptyNode(SimpleNode):
    """A status tag written out renders nothing for no owner, not "None"; with ``as`` the
    variable is None, as documented."""

    def render(self, context: Context) -> str:
        args, kwargs = self.get_resolved_arguments(context)
        output = self.func(*args, **kwargs)
        if self.target_var is not None:
            context[self.target_var] = output
            return ""
        if output is None:
            return ""
        return conditional_escape(output) if context.autoescape else str(output)


def none_as_empty(node: SimpleNode) -> NoneAsEmptyNode:
    """``node`` (a compiled simple tag) rendering None as nothing."""
    return NoneAsEmptyNode(node.func, node.takes_context, node.args, node.kwargs, node.target_var)
