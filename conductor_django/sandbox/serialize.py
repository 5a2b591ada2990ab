"""The sandbox's models as Conductor's JSON objects (exactly Conductor's keys)."""

from ..client.objects import AuthSessionObject, EndUserObject, IntegrationConnectionObject
from ..client.resources import format_timestamp
from .models import AuthSession, EndUser, IntegrationConnection


def connection(conn: IntegrationConnection) -> IntegrationConnectionObject:
    return {
        "id": conn.id,
        "objectType": "integration_connection",
        "createdAt": format_timestamp(conn.created_at),
        "integrationSlug": conn.integration_slug,
        "lastRequestAt": format_timestamp(conn.last_request_at),
        "lastSuccessfulRequestAt": format_timestamp(conn.last_successful_request_at),
    }


def end_user(user: EndUser) -> EndUserObject:
    return {
        "id": user.id,
        "objectType": "end_user",
        "createdAt": format_timestamp(user.created_at),
        "companyName": user.company_name,
        "sourceId": user.source_id,
        "email": user.email,
        "integrationConnections": [connection(c) for c in user.connections.all()],
    }


def auth_session(session: AuthSession, auth_flow_url: str) -> AuthSessionObject:
    return {
        "id": session.id,
        "objectType": "auth_session",
        "createdAt": format_timestamp(session.created_at),
        "endUserId": session.end_user_id,
        "clientSecret": session.client_secret,
        "authFlowUrl": auth_flow_url,
        "expiresAt": format_timestamp(session.expires_at),
        "redirectUrl": session.redirect_url or None,
    }
