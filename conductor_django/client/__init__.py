"""Conductor's HTTP API, free of Django: usable from any Python code."""

from .errors import *  # noqa: F403
from .errors import ConductorError
from .http import ConductorClient
from .resources import AuthSession, DeletedEndUser, EndUser, HealthCheck, IntegrationConnection

__all__ = [
    "AuthSession",
    "ConductorClient",
    "ConductorError",
    "DeletedEndUser",
    "EndUser",
    "HealthCheck",
    "IntegrationConnection",
]
