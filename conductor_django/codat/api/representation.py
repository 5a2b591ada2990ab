"""The JSON bodies the Codat API answers with, in Codat's camelCase."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from ..data_status import words as sync_words
from ..integrations import Image, Platform
from ..models import CodatConnection
from ..records import error_words


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


class ConnectionBody(TypedDict):
    """``Connection`` in the OpenAPI document."""

    id: str
    companyId: str
    platformKey: str
    platformName: str
    sourceType: str
    #: As Codat spells it: PendingAuth, Linked, Deauthorized, Unlinked.
    status: str
    statusLabel: str
    userFacingMessage: str | None
    errorCode: str | None
    lastSync: str | None
    #: queued, fetching, complete, failed, or null before the first report.
    dataStatus: str | None
    dataStatusMessage: str | None
    waitingForConnector: bool
    statusChangedAt: str | None
    createdAt: str | None


class ConnectionsBody(TypedDict):
    """``Connections``: ``GET connections/``."""

    connections: list[ConnectionBody]
    canManage: bool


class LinkBody(TypedDict):
    """``Link``: ``POST connections/`` and ``POST connections/{id}/reconnect/``."""

    connection: ConnectionBody
    linkUrl: str
    reused: bool
    replaced: ConnectionBody | None


class ImageBody(TypedDict):
    src: str
    alt: str


class PlatformBody(TypedDict):
    """``Platform``: ``GET integrations/``."""

    key: str
    name: str
    sourceType: str
    logoUrl: str
    offlineConnector: bool
    beta: bool
    brandedButtonRequired: bool
    logo: ImageBody | None
    button: ImageBody | None
    buttonHover: ImageBody | None


class PlatformsBody(TypedDict):
    platforms: list[PlatformBody]


class QueuedBody(TypedDict):
    queued: bool


class DeletedBody(TypedDict):
    deleted: bool


def connection_body(row: CodatConnection) -> ConnectionBody:
    return {
        "id": row.connection_id,
        "companyId": row.company_id,
        "platformKey": row.platform_key,
        "platformName": row.platform_name,
        "sourceType": row.source_type,
        "status": row.status,
        "statusLabel": str(row.label),
        "userFacingMessage": error_words(row) or None,
        "errorCode": row.error_code or None,
        "lastSync": _timestamp(row.last_sync),
        "dataStatus": row.data_status or None,
        "dataStatusMessage": sync_words(row) or None,
        "waitingForConnector": row.waiting_for_connector,
        "statusChangedAt": _timestamp(row.status_changed_at),
        "createdAt": _timestamp(row.created_at),
    }


def _image(image: Image | None) -> ImageBody | None:
    return {"src": image.src, "alt": image.alt} if image is not None else None


def platform_body(platform: Platform) -> PlatformBody:
    return {
        "key": platform.key,
        "name": platform.name,
        "sourceType": platform.source_type,
        "logoUrl": platform.logo_url,
        "offlineConnector": platform.offline_connector,
        "beta": platform.beta,
        "brandedButtonRequired": platform.branded_button_required,
        "logo": _image(platform.logo),
        "button": _image(platform.button),
        "buttonHover": _image(platform.button_hover),
    }
