"""Conductor's JSON objects as ``TypedDict``\\ s, exactly Conductor's keys: what the sandbox and
``FakeConductor`` answer (one definition for both), and what :mod:`.resources` parses into
dataclasses. The error body is :class:`.catalog.ErrorEnvelope`."""

from typing import Literal, TypedDict


class IntegrationConnectionObject(TypedDict):
    id: str
    objectType: Literal["integration_connection"]
    createdAt: str
    integrationSlug: str
    lastRequestAt: str | None
    lastSuccessfulRequestAt: str | None


class EndUserObject(TypedDict):
    id: str
    objectType: Literal["end_user"]
    createdAt: str
    companyName: str
    sourceId: str
    email: str
    integrationConnections: list[IntegrationConnectionObject]


class EndUserList(TypedDict):
    objectType: Literal["list"]
    url: str
    data: list[EndUserObject]


class DeletedEndUserObject(TypedDict):
    id: str
    objectType: Literal["end_user"]
    deleted: Literal[True]


class AuthSessionObject(TypedDict):
    id: str
    objectType: Literal["auth_session"]
    createdAt: str
    endUserId: str
    clientSecret: str
    authFlowUrl: str
    expiresAt: str
    redirectUrl: str | None


class HealthCheckObject(TypedDict):
    """A passing health check (a failing one answers the error envelope)."""

    duration: int
    status: Literal["ok"]
