"""Typed views of Codat's JSON objects.

Shapes are those of Codat's Platform OpenAPI spec (``codatio/codat-docs``,
``static/oas/Codat-Platform.json``, info.version 3.0.0) and of the models of the official SDK
generated from it (``codat-platform`` 6.0.0, ``codat_platform/models/shared``). A field the SDK
requires is required here; ``from_api`` raises ``ValueError`` on a body without it, or with a
field of the wrong type, and the client turns that into ``InvalidResponseError``.

Where Codat's vocabulary is open (``sourceType``, a data type's ``currentStatus``), the field is a
plain ``str`` and the known values are a ``StrEnum`` to compare with: a value Codat adds later
must not make a whole list unreadable. A connection's ``status`` is the exception: the flow
depends on it, so anything but the four documented values is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from ._fields import (
    array,
    flag,
    integer,
    json_object,
    optional_str,
    present,
    required_bool,
    required_str,
    required_timestamp,
    str_map,
    strings,
    timestamp,
)

T = TypeVar("T")


class ConnectionStatus(StrEnum):
    """A connection's ``status``, spelt as Codat spells it."""

    PENDING_AUTH = "PendingAuth"  # created, not authorized yet
    LINKED = "Linked"  # works
    DEAUTHORIZED = "Deauthorized"  # access revoked or expired on the platform's side
    UNLINKED = "Unlinked"  # we gave up access; the data stays readable


class SourceType(StrEnum):
    ACCOUNTING = "Accounting"
    BANKING = "Banking"
    BANK_FEED = "BankFeed"
    COMMERCE = "Commerce"
    EXPENSE = "Expense"
    OTHER = "Other"
    UNKNOWN = "Unknown"


class DatasetStatus(StrEnum):
    """Values of a data type's ``currentStatus`` (the spec's ``PullOperation.status``)."""

    INITIAL = "Initial"
    QUEUED = "Queued"
    FETCHING = "Fetching"
    MAP_QUEUED = "MapQueued"
    MAPPING = "Mapping"
    COMPLETE = "Complete"
    FETCH_ERROR = "FetchError"
    MAP_ERROR = "MapError"
    INTERNAL_ERROR = "InternalError"
    PROCESSING_QUEUED = "ProcessingQueued"
    PROCESSING = "Processing"
    PROCESSING_ERROR = "ProcessingError"
    VALIDATION_QUEUED = "ValidationQueued"
    VALIDATING = "Validating"
    VALIDATION_ERROR = "ValidationError"
    AUTH_ERROR = "AuthError"
    CANCELLED = "Cancelled"
    NOT_SUPPORTED = "NotSupported"
    RATE_LIMIT_ERROR = "RateLimitError"
    PERMISSIONS_ERROR = "PermissionsError"
    PREREQUISITE_NOT_MET = "PrerequisiteNotMet"


@dataclass(frozen=True)
class DataConnectionError:
    """One entry of a connection's ``dataConnectionErrors``: the platform refused Codat."""

    status_code: str | None
    status_text: str | None
    error_message: str | None
    errored_on_utc: datetime | None
    # "Active" or "Resolved"; None when the error is not transient.
    status: str | None
    resolved_on_utc: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> DataConnectionError:
        data = json_object(data, "dataConnectionError")
        status_code = data.get("statusCode")
        if isinstance(status_code, int) and not isinstance(status_code, bool):
            # The spec says string ("The HTTP status code returned by the source platform");
            # a number means the same thing.
            status_code = str(status_code)
        elif status_code is not None and not isinstance(status_code, str):
            raise ValueError("statusCode: expected a string")
        return cls(
            status_code=status_code,
            status_text=optional_str(data, "statusText"),
            error_message=optional_str(data, "errorMessage"),
            errored_on_utc=timestamp(data, "erroredOnUtc"),
            status=optional_str(data, "status"),
            resolved_on_utc=timestamp(data, "resolvedOnUtc"),
        )


@dataclass(frozen=True)
class Connection:
    """A company's connection to one platform (Codat's ``Connection``)."""

    id: str
    integration_id: str
    integration_key: str | None
    source_id: str
    source_type: str
    platform_name: str
    status: ConnectionStatus
    created: datetime
    last_sync: datetime | None
    data_connection_errors: tuple[DataConnectionError, ...]
    connection_info: Mapping[str, str] = field(hash=False)
    # A bearer link: whoever holds it can authorize this company's data. Never shown in a
    # repr, a log line or an error.
    link_url: str = field(repr=False)

    @classmethod
    def from_api(cls, data: Any) -> Connection:
        data = json_object(data, "connection")
        status = required_str(data, "status")
        try:
            parsed_status = ConnectionStatus(status)
        except ValueError:
            raise ValueError(f"status: {status!r} is not a documented connection status") from None
        return cls(
            id=required_str(data, "id"),
            integration_id=required_str(data, "integrationId"),
            # Required by the spec, optional in the SDK: the SDK's rule, so a connection
            # without it still reads.
            integration_key=optional_str(data, "integrationKey"),
            source_id=required_str(data, "sourceId"),
            source_type=required_str(data, "sourceType"),
            platform_name=required_str(data, "platformName"),
            status=parsed_status,
            created=required_timestamp(data, "created"),
            last_sync=timestamp(data, "lastSync"),
            data_connection_errors=array(
                data, "dataConnectionErrors", DataConnectionError.from_api
            ),
            connection_info=str_map(data, "connectionInfo"),
            link_url=required_str(data, "linkUrl"),
        )


@dataclass(frozen=True)
class Company:
    """One of your customers in Codat (Codat's ``Company``)."""

    id: str
    name: str
    description: str | None
    created: datetime | None
    last_sync: datetime | None
    created_by_user_name: str | None
    tags: Mapping[str, str] = field(hash=False)
    products: tuple[str, ...]
    data_connections: tuple[Connection, ...]
    # The company's Hosted Link URL: like a connection's linkUrl, it lets whoever holds it
    # start linking this company's data.
    redirect: str = field(repr=False)

    @classmethod
    def from_api(cls, data: Any) -> Company:
        data = json_object(data, "company")
        return cls(
            id=required_str(data, "id"),
            name=required_str(data, "name"),
            description=optional_str(data, "description"),
            created=timestamp(data, "created"),
            last_sync=timestamp(data, "lastSync"),
            created_by_user_name=optional_str(data, "createdByUserName"),
            tags=str_map(data, "tags"),
            products=strings(data, "products"),
            data_connections=array(data, "dataConnections", Connection.from_api),
            redirect=required_str(data, "redirect"),
        )


@dataclass(frozen=True)
class Integration:
    """A platform Codat can connect to (Codat's ``Integration``)."""

    key: str  # the 4-letter platformKey, e.g. "gbol" for Xero
    name: str
    logo_url: str
    enabled: bool
    source_id: str | None
    source_type: str | None
    integration_id: str | None
    is_offline_connector: bool  # installed on the customer's PC (QuickBooks Desktop)
    is_beta: bool
    data_provided_by: str | None

    @classmethod
    def from_api(cls, data: Any) -> Integration:
        data = json_object(data, "integration")
        return cls(
            key=required_str(data, "key"),
            name=required_str(data, "name"),
            logo_url=required_str(data, "logoUrl"),
            enabled=required_bool(data, "enabled"),
            source_id=optional_str(data, "sourceId"),
            source_type=optional_str(data, "sourceType"),
            integration_id=optional_str(data, "integrationId"),
            is_offline_connector=flag(data, "isOfflineConnector"),
            is_beta=flag(data, "isBeta"),
            data_provided_by=optional_str(data, "dataProvidedBy"),
        )


@dataclass(frozen=True)
class BrandingImage:
    src: str | None
    alt: str | None

    @classmethod
    def from_api(cls, data: Any, name: str) -> BrandingImage | None:
        """``{"image": {"src", "alt"}}``, the spec's ``brandingImage``; None when absent."""
        if data is None:
            return None
        image = json_object(data, name).get("image")
        if image is None:
            return None
        image = json_object(image, f"{name}.image")
        return cls(src=optional_str(image, "src"), alt=optional_str(image, "alt"))


@dataclass(frozen=True)
class Branding:
    """An integration's logos and buttons. Intuit requires its own buttons, hover state
    included, for QuickBooks; Codat asks clients to cache these rather than fetch per view."""

    logo_full: BrandingImage | None
    logo_square: BrandingImage | None
    button_default: BrandingImage | None
    button_hover: BrandingImage | None
    source_id: str | None

    @classmethod
    def from_api(cls, data: Any) -> Branding:
        data = json_object(data, "branding")
        logo = json_object(data.get("logo") or {}, "logo")
        button = json_object(data.get("button") or {}, "button")
        return cls(
            logo_full=BrandingImage.from_api(logo.get("full"), "logo.full"),
            logo_square=BrandingImage.from_api(logo.get("square"), "logo.square"),
            button_default=BrandingImage.from_api(button.get("default"), "button.default"),
            button_hover=BrandingImage.from_api(button.get("hover"), "button.hover"),
            source_id=optional_str(data, "sourceId"),
        )


@dataclass(frozen=True)
class DataStatus:
    """Where Codat's copy of one data type stands (``GET /companies/{id}/dataStatus``)."""

    data_type: str
    current_status: str  # compare with DatasetStatus
    last_successful_sync: datetime | None
    latest_sync_id: str | None
    latest_successful_sync_id: str | None

    @classmethod
    def from_api(cls, data: Any) -> DataStatus:
        data = json_object(data, "dataStatus")
        return cls(
            data_type=required_str(data, "dataType"),
            current_status=required_str(data, "currentStatus"),
            last_successful_sync=timestamp(data, "lastSuccessfulSync"),
            latest_sync_id=optional_str(data, "latestSyncId"),
            latest_successful_sync_id=optional_str(data, "latestSuccessfulSyncId"),
        )


def data_statuses(data: Any) -> dict[str, DataStatus]:
    """The ``dataStatus`` map, by data type. Null entries (the spec makes each nullable) are
    data types Codat has nothing on: left out."""
    data = json_object(data, "dataStatus")
    return {key: DataStatus.from_api(value) for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class Profile:
    """Your Codat client's profile. Its deprecated ``apiKey`` field is never read, so never kept.

    ``redirect_url`` is the template Codat fills in after Link: set once per client, not per
    call."""

    name: str
    redirect_url: str
    logo_url: str | None
    icon_url: str | None
    white_list_urls: tuple[str, ...]

    @classmethod
    def from_api(cls, data: Any) -> Profile:
        data = json_object(data, "profile")
        return cls(
            name=required_str(data, "name"),
            redirect_url=required_str(data, "redirectUrl"),
            logo_url=optional_str(data, "logoUrl"),
            icon_url=optional_str(data, "iconUrl"),
            white_list_urls=strings(data, "whiteListUrls"),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a Codat list. Pages start at 1."""

    results: tuple[T, ...]
    page_number: int
    page_size: int
    total_results: int
    has_next: bool

    @classmethod
    def from_api(cls, data: Any, parse: Callable[[Any], T]) -> Page[T]:
        data = json_object(data, "page")
        links = json_object(present(data, "_links"), "_links")
        for name in ("self", "current"):
            json_object(present(links, name), f"_links.{name}")
        following = links.get("next")
        if following is not None:
            json_object(following, "_links.next")
        page_number = integer(data, "pageNumber")
        page_size = integer(data, "pageSize")
        total_results = integer(data, "totalResults")
        return cls(
            results=array(data, "results", parse),
            page_number=page_number,
            page_size=page_size,
            total_results=total_results,
            # The HAL ``next`` link, or the counts saying there is more: either is enough, so a
            # server leaving one out cannot cut a walk short (the client also stops at an
            # empty page, as the SDK's paging does).
            has_next=bool(following and following.get("href"))
            or page_number * page_size < total_results,
        )
