"""The JSON bodies the API answers with, in Conductor's camelCase."""

from typing import Literal, TypedDict, cast

from ..client.resources import format_timestamp
from ..connection import IssuedLink
from ..models import ConductorEndUserMixin, ConnectionStatus

#: ``status`` of a connection, as ``ConnectionStatus.Status`` stores it.
ConnectionStatusValue = Literal["unknown", "not_set_up", "connected", "error"]


class StatusBody(TypedDict):
    """``ConnectionStatus`` in the OpenAPI document: ``GET status/``, ``POST health-check/``."""

    status: ConnectionStatusValue
    errorCode: str | None
    integrationCode: str | None
    userFacingMessage: str | None
    requestId: str | None
    checkedAt: str | None
    firstConnectedAt: str | None
    canManage: bool
    checking: bool


class AuthSessionBody(TypedDict):
    """``AuthSession``: ``POST auth-session/``."""

    id: str
    authFlowUrl: str
    expiresAt: str


class DisconnectedBody(TypedDict):
    """``Disconnected``: ``POST`` or ``DELETE disconnect/``."""

    disconnected: bool


def status_body(
    owner: ConductorEndUserMixin,
    record: ConnectionStatus | None,
    *,
    can_manage: bool,
    checking: bool = False,
) -> StatusBody:
    """The connection as last recorded, and whether a health check of it is running. An owner
    without an end-user has no connection at all."""
    if record is None:
        return {
            "status": "unknown" if owner.conductor_end_user_id else "not_set_up",
            "errorCode": None,
            "integrationCode": None,
            "userFacingMessage": None,
            "requestId": None,
            "checkedAt": None,
            "firstConnectedAt": None,
            "canManage": can_manage,
            "checking": checking,
        }
    return {
        # The column's choices are Status's values.
        "status": cast(ConnectionStatusValue, record.status),
        "errorCode": record.error_code or None,
        "integrationCode": record.integration_code or None,
        "userFacingMessage": record.user_facing_message or None,
        "requestId": record.request_id or None,
        "checkedAt": format_timestamp(record.checked_at),
        "firstConnectedAt": format_timestamp(record.first_connected_at),
        "canManage": can_manage,
        "checking": checking,
    }


def auth_session_body(link: IssuedLink) -> AuthSessionBody:
    # The authFlowUrl is a bearer link: it goes to the browser that asked, and nowhere else.
    return {
        "id": link.record.auth_session_id,
        "authFlowUrl": link.auth_flow_url,
        "expiresAt": format_timestamp(link.record.expires_at),
    }
