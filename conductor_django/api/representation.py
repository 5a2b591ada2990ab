"""The JSON bodies the API answers with, in Conductor's camelCase."""

from ..client.resources import format_timestamp
from ..models import ConnectionStatus

Status = ConnectionStatus.Status


def status_body(owner, record, *, can_manage):
    """The connection as last recorded. An owner without an end-user has no connection at all."""
    if record is None:
        status = Status.UNKNOWN if owner.conductor_end_user_id else Status.NOT_SET_UP
        return {
            "status": str(status),
            "errorCode": None,
            "integrationCode": None,
            "userFacingMessage": None,
            "requestId": None,
            "checkedAt": None,
            "firstConnectedAt": None,
            "canManage": can_manage,
        }
    return {
        "status": record.status,
        "errorCode": record.error_code or None,
        "integrationCode": record.integration_code or None,
        "userFacingMessage": record.user_facing_message or None,
        "requestId": record.request_id or None,
        "checkedAt": format_timestamp(record.checked_at),
        "firstConnectedAt": format_timestamp(record.first_connected_at),
        "canManage": can_manage,
    }


def auth_session_body(link):
    # The authFlowUrl is a bearer link: it goes to the browser that asked, and nowhere else.
    return {
        "id": link.record.auth_session_id,
        "authFlowUrl": link.auth_flow_url,
        "expiresAt": format_timestamp(link.record.expires_at),
    }
