"""Codat's Platform API, free of Django: usable from any Python code."""

from . import errors
from .errors import CodatAPIError, CodatError
from .http import DEFAULT_BASE_URL, CodatClient
from .resources import (
    Branding,
    BrandingImage,
    Company,
    Connection,
    ConnectionStatus,
    DataConnectionError,
    DatasetStatus,
    DataStatus,
    Integration,
    Page,
    Profile,
    SourceType,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "Branding",
    "BrandingImage",
    "CodatAPIError",
    "CodatClient",
    "CodatError",
    "Company",
    "Connection",
    "ConnectionStatus",
    "DataConnectionError",
    "DataStatus",
    "DatasetStatus",
    "Integration",
    "Page",
    "Profile",
    "SourceType",
    "errors",
]
