"""pytest fixtures for host apps: ``pytest_plugins = ["conductor_django.testing.fixtures"]``."""

from collections.abc import Iterator

import pytest

from .fake import FakeConductor


@pytest.fixture
def fake_conductor() -> Iterator[FakeConductor]:
    """A ``FakeConductor`` answering every call the app makes, for the length of one test."""
    with FakeConductor() as fake:
        yield fake
