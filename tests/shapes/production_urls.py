"""The host shape's own URLconf as its production settings would have it: without the sandbox.

``CONDUCTOR_TEST_SOURCE_URLCONF`` names the shape's URLconf; its patterns are read when Django
first resolves, so the test that sets it decides."""

from typing import Any

from django.conf import settings
from django.urls import URLResolver
from django.utils.module_loading import import_module


def __getattr__(name: str) -> Any:
    if name != "urlpatterns":
        raise AttributeError(name)
    source = import_module(settings.CONDUCTOR_TEST_SOURCE_URLCONF)
    return [
        pattern
        for pattern in source.urlpatterns
        if not (isinstance(pattern, URLResolver) and pattern.app_name == "conductor_sandbox")
    ]
