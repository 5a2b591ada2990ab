"""Test settings: the example project, with the sandbox mounted and fast, offline defaults.

CONDUCTOR_TEST_DB=postgres runs on PostgreSQL: 127.0.0.1:5432, database `test` (trust auth), as
CI does; PGHOST, PGPORT, PGUSER and PGDATABASE override those.
"""

import os

from example_project.settings import *  # noqa: F403
from example_project.settings import CONDUCTOR, postgres_database

SANDBOX = True
if os.environ.get("CONDUCTOR_TEST_DB") == "postgres":
    DATABASES = {"default": postgres_database(os.environ.get("PGDATABASE", "test"))}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CONDUCTOR = {
    **CONDUCTOR,
    "SECRET_KEY": "sk_conductor_test_secret_0123456789abcdef",
    "PUBLISHABLE_KEY": "pk_conductor_test_publishable_0123456789",
    # Unit tests stub this host with `responses`; live tests point the client at the sandbox.
    "API_BASE_URL": "https://api.conductor.test/v1",
    # Retries are exercised by their own tests; elsewhere they would only slow the suite.
    "RETRY_BACKOFF": 0.01,
    # Explicit, so that a shell with CONDUCTOR_SANDBOX=1 exported does not change caching tests.
    "STATUS_CACHE_TTL": 60,
}
CONDUCTOR_SANDBOX = {"ENABLED": True}
# No key or base URL: Codat's tests set them (tests/codat_app), and FakeCodat's own tests rely
# on its defaults. Companies are not created at sign-up here (Codat's tests turn it on, the
# default), so the suite's many sign-ups make only Conductor's calls, as the tests written for
# Conductor alone expect.
CODAT = {"RETRY_BACKOFF": 0.01, "AUTO_PROVISION": False}
CODAT_TEST_SETTINGS = {
    "API_KEY": "codat_test_key_0123456789abcdef",
    # Unit tests answer here with FakeCodat; live tests point the client at the Codat sandbox.
    "API_BASE_URL": "https://api.codat.test",
    "RETRY_BACKOFF": 0.01,
    # The example project mounts the webhook endpoint: a configured host has its secret.
    "WEBHOOK_SECRETS": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
CONDUCTOR_TEST_SHAPE = "tests.hosts.shapes.ExampleUsers"
