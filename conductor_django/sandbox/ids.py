"""Identifiers and timestamps shaped like Conductor's."""

import secrets
import uuid

END_USER = "end_usr_"
AUTH_SESSION = "auth_sess_"
CLIENT_SECRET = "auth_sess_client_secret_"
INTEGRATION_CONNECTION = "int_conn_"
REQUEST = "req_"


def new_id(prefix: str, nbytes: int = 12) -> str:
    return prefix + secrets.token_hex(nbytes)


def new_end_user_id() -> str:
    return new_id(END_USER)


def new_auth_session_id() -> str:
    return new_id(AUTH_SESSION)


def new_client_secret() -> str:
    # Longer than the others: it is a bearer credential for the hosted flow.
    return new_id(CLIENT_SECRET, 24)


def new_connection_id() -> str:
    return new_id(INTEGRATION_CONNECTION)


def new_request_id() -> str:
    return new_id(REQUEST)


def new_guid() -> str:
    """A GUID in the braces-and-uppercase form the Web Connector expects."""
    return "{" + str(uuid.uuid4()).upper() + "}"


def new_password() -> str:
    """A Web Connector password: what the user pastes after adding the .qwc file."""
    return secrets.token_urlsafe(12)
