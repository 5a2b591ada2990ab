"""Host code written against conductor-django's public types: checked by mypy (``make typecheck``),
never run.

Each block uses the API as a host project would. ``assert_type`` fails the check when a public
type changes (or decays to ``Any``); a line marked ``# type: ignore[code]`` must stay an error,
since ``warn_unused_ignores`` fails the check when the API starts accepting it. Phase 2 of the
typing work extends this file to the modules it types (provisioning, connection, the client,
signals, settings, the Conductor sandbox's control).
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal, assert_type

from django.http import HttpRequest
from django.template import Context
from rest_framework.response import Response

from conductor_django.api.errors import ErrorBody, error_response
from conductor_django.api.representation import (
    AuthSessionBody,
    ConnectionStatusValue,
    DisconnectedBody,
    StatusBody,
    status_body,
)
from conductor_django.api.schema import document
from conductor_django.codat.sandbox import control as codat_control
from conductor_django.codat.testing import FakeCodat
from conductor_django.connection import IssuedLink
from conductor_django.emails import (
    deliver_connection_link,
    expiry_minutes_or_default,
    owner_email,
    send_connection_link,
)
from conductor_django.models import AuthSessionRecord, ConnectionStatus
from conductor_django.templatetags.conductor import conductor_status
from conductor_django.types import ConnectionPermission, OwnerGetter, OwnerResolver
from example_project.accounts.models import User
from example_project.organizations.models import Organization

# The callables the CONDUCTOR settings name, checked against their protocols.


def resolve_organization(request: HttpRequest) -> Organization | None:
    username = request.user.get_username()
    return Organization.objects.filter(memberships__user__username=username).first()


def is_admin(request: HttpRequest, owner: Organization) -> bool:
    username = request.user.get_username()
    return owner.memberships.filter(user__username=username, role="admin").exists()


def any_owner_may_manage(request: HttpRequest, owner: object) -> bool:
    return True


def organization_email(owner: Organization) -> str:
    return owner.email


resolver: OwnerResolver[Organization] = resolve_organization
permission: ConnectionPermission[Organization] = is_admin
# A check that takes any owner serves every owner model.
permission_for_users: ConnectionPermission[User] = any_owner_may_manage
email_getter: OwnerGetter[Organization] = organization_email


# A resolver must return an owner (a model with the mixin) or None...
def resolve_by_name(request: HttpRequest) -> str:
    return "acme"


wrong_resolver: OwnerResolver[Organization] = resolve_by_name  # type: ignore[assignment]
# ...and a check written for organizations cannot stand for one over users.
wrong_permission: ConnectionPermission[User] = is_admin  # type: ignore[assignment]


# Emailing a connection link (the admin action and conductor_send_link).


def email_link(organization: Organization, staff: User) -> None:
    assert_type(owner_email(organization), str)
    assert_type(expiry_minutes_or_default(), int)
    record = send_connection_link(organization, to="books@example.com", issued_by=staff)
    assert_type(record, AuthSessionRecord)
    link = deliver_connection_link(organization, to="books@example.com", expiry_minutes=60)
    assert_type(link, IssuedLink)
    assert_type(link.auth_flow_url, str)
    # The address is required, and keyword-only.
    send_connection_link(organization, "books@example.com")  # type: ignore[misc]


# The REST API's bodies, for a host that calls it from Python (tests, a server-side client).


def read_status(organization: Organization, record: ConnectionStatus | None) -> None:
    body = status_body(organization, record, can_manage=True)
    assert_type(body, StatusBody)
    assert_type(body["status"], ConnectionStatusValue)
    assert_type(body["checkedAt"], str | None)
    assert_type(body["canManage"], bool)
    connected: Literal["connected"] = "connected"
    if body["status"] == connected:
        pass
    body["statsu"]  # type: ignore[typeddict-item]


def other_bodies(session: AuthSessionBody, disconnected: DisconnectedBody) -> None:
    assert_type(session["authFlowUrl"], str)
    assert_type(disconnected["disconnected"], bool)


def error_shape(response: Response) -> None:
    assert_type(error_response(400, "INVALID_REQUEST"), Response)
    body: ErrorBody = response.data
    assert_type(body["error"]["requestId"], str | None)
    assert_type(document("https://example.com/api/"), dict[str, Any])


# Template tags called from Python (a host's own tag or view).


def tag_from_python(context: Context, organization: Organization) -> None:
    status = conductor_status(context, organization)
    assert_type(status, ConnectionStatus | str | None)
    if isinstance(status, ConnectionStatus):
        assert_type(status.checked_at, datetime | None)


# Testing helpers.


def codat_tests() -> Iterator[str]:
    with FakeCodat() as codat:
        assert_type(codat, FakeCodat)
        company = codat.add_company("Acme", tags={"ownerId": "42"})
        connection = codat.add_connection(company["id"], "gbol")
        assert_type(codat.link(connection["id"]), str | None)
        assert_type(codat.calls, list[tuple[str, str]])
        yield connection["id"]
    assert_type(codat_control.link_url("connection-id"), str)
    codat_control.set_connector_online("connection-id", online="yes")  # type: ignore[arg-type]
