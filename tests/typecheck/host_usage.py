"""Host code written against conductor-django's public types: checked by mypy (``make typecheck``),
never run.

Each block uses the API as a host project would. ``assert_type`` fails the check when a public
type changes (or decays to ``Any``); a line marked ``# type: ignore[code]`` must stay an error,
since ``warn_unused_ignores`` fails the check when the API starts accepting it.
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
from conductor_django.client import (
    AuthSession,
    ConductorClient,
    ConductorError,
    EndUser,
    HealthCheck,
    IntegrationConnection,
)
from conductor_django.client.errors import (
    ConductorAPIError,
    ConnectionNotSetUpError,
    NetworkError,
    RateLimitError,
)
from conductor_django.client.objects import AuthSessionObject, EndUserObject
from conductor_django.codat.client import CodatError
from conductor_django.codat.client.errors import Validation
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
from conductor_django.sandbox import control as sandbox
from conductor_django.templatetags.conductor import conductor_status
from conductor_django.testing import SCENARIOS, FakeConductor, OutageKind, ScenarioName
from conductor_django.transport import ProviderError
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


# Conductor's client, outside the app's pages (a script, a task of the host's own).


def provision(client: ConductorClient, user: User) -> str:
    existing = client.find_end_user(str(user.pk))
    assert_type(existing, EndUser | None)
    end_user = existing or client.create_end_user(
        company_name="Acme", source_id=str(user.pk), email=user.email
    )
    assert_type(end_user.created_at, datetime)
    assert_type(end_user.integration_connections, tuple[IntegrationConnection, ...])
    assert_type(end_user.integration_connections[0].last_request_at, datetime | None)
    session = client.create_auth_session(
        publishable_key="pk_conductor_test", end_user_id=end_user.id, link_expiry_mins=60
    )
    assert_type(session, AuthSession)
    assert_type(session.redirect_url, str | None)
    assert_type(client.list_end_users(), list[EndUser])
    assert_type(client.delete_end_user(end_user.id).deleted, bool)
    # Every argument of a create is keyword-only: no swapping a sourceId and an email.
    client.create_end_user("Acme", str(user.pk), user.email)  # type: ignore[misc]
    return session.auth_flow_url


def health(client: ConductorClient, end_user_id: str) -> str | None:
    try:
        check = client.health_check(end_user_id)
    except ConnectionNotSetUpError as exc:
        # Only the end-user can fix it: show Conductor's words for them.
        assert_type(exc.user_facing_message, str | None)
        assert_type(exc.http_status_code, int | None)
        return exc.user_facing_message
    except RateLimitError as exc:
        assert_type(exc.retry_after, float | None)
        return None
    except ConductorAPIError as exc:
        assert_type(exc.code, str | None)
        assert_type(exc.integration_code, str | None)
        assert_type(exc.request_id, str | None)
        return None
    except NetworkError as exc:
        assert_type(exc.request_sent, bool)
        return None
    assert_type(check, HealthCheck)
    assert_type(check.duration_ms, int | None)
    return check.status


def either_provider(exc: ProviderError) -> str:
    # Code serving both providers catches the shared base.
    assert_type(exc.is_outage, bool)
    assert_type(exc.is_transient, bool)
    assert_type(exc.message, str)
    if isinstance(exc, CodatError):
        assert_type(exc.correlation_id, str | None)
        assert_type(exc.validation, Validation | None)
    return exc.log_label


def build_errors() -> list[ProviderError]:
    # A host's own tests raise the client's errors with their attributes, checked by name...
    not_set_up = ConnectionNotSetUpError(
        "not set up", code="INTEGRATION_CONNECTION_NOT_SET_UP", http_status_code=409
    )
    codat = CodatError("Not found", status_code=404, correlation_id="c-1")
    # ...and by type: a misspelt or mistyped attribute is an error here as it is at run time.
    misspelt = ConductorError("x", cod="RESOURCE_MISSING")  # type: ignore[call-arg]
    mistyped = ConductorError("x", http_status_code="409")  # type: ignore[arg-type]
    return [not_set_up, codat, misspelt, mistyped]


# FakeConductor in a host's tests.


def conductor_tests(user: User) -> Iterator[FakeConductor]:
    with FakeConductor() as conductor:
        assert_type(conductor, FakeConductor)
        conductor.set_scenario(user, "permission_denied")
        conductor.set_scenario(conductor.end_user_id(user), "connected")
        conductor.set_scenario(user, "conected")  # type: ignore[arg-type]
        conductor.outage(503, times=2, retry_after=1.5, method="POST", path="/end-users")
        conductor.outage("refused", times=1)
        conductor.outage("refuse")  # type: ignore[arg-type]
        conductor.complete_late(seconds=0.2)
        assert_type(conductor.auth_sessions[-1], AuthSessionObject)
        assert_type(conductor.auth_sessions[-1]["authFlowUrl"], str)
        assert_type(conductor.end_users, dict[str, EndUserObject])
        assert_type(conductor.scenarios, dict[str, ScenarioName])
        assert_type(conductor.calls, list[tuple[str, str]])
        assert_type(conductor.count("GET", "/quickbooks-desktop/health-check"), int)
        yield conductor
    kind: OutageKind = "timeout"
    assert_type(SCENARIOS, tuple[ScenarioName, ...])
    FakeConductor().outage(kind)


def with_the_fixture(fake_conductor: FakeConductor) -> None:
    # pytest_plugins = ["conductor_django.testing.fixtures"]
    fake_conductor.set_scenario("end_usr_1", "not_active")


# The Conductor sandbox, driven from a host's end-to-end tests.


def sandbox_tests(end_user_id: str, client_secret: str) -> None:
    sandbox.set_scenario(end_user_id, "slow", delay_seconds=2)
    sandbox.set_scenario(end_user_id, "request_timeout")  # type: ignore[arg-type]
    assert_type(sandbox.scenario(end_user_id), sandbox.ScenarioName)
    sandbox.fail_next(1, "complete_late", method="POST", path="/end-users", delay_ms=6000)
    sandbox.fail_next(1, "drop_later")  # type: ignore[arg-type]
    state = sandbox.set_faults(fault_rate=0.1, fault_kinds=["http_503", "drop"])
    assert_type(state["pending"][0]["kind"], sandbox.FaultKindName)
    assert_type(sandbox.faults()["faultRate"], float)
    sandbox.complete_auth_flow(client_secret, outcome="wrong_permission")
    sandbox.complete_auth_flow(client_secret, outcome="deny")  # type: ignore[arg-type]
    assert_type(sandbox.auth_sessions(end_user_id)[0]["clientSecret"], str)
    assert_type(sandbox.end_users()[0]["scenario"], sandbox.ScenarioName)
    assert_type(sandbox.end_users()[0]["companyName"], str)
    entry = sandbox.request_log(method="POST", path="/end-users")[0]
    assert_type(entry["status"], int | None)
    assert_type(sandbox.request_count("GET", "/end-users/*"), int)
