"""pytest fixtures for host apps; in a conftest:
``pytest_plugins = ["conductor_django.codat.testing.fixtures"]``."""

from collections.abc import Iterator

import pytest

from .fake import FakeCodat


@pytest.fixture
def fake_codat() -> Iterator[FakeCodat]:
    """A ``FakeCodat`` answering every Codat call the app makes, for the length of one test."""
    with FakeCodat() as fake:
        yield fake
