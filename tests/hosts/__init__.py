"""Host projects shaped unlike the example project, for the tests in ``tests/shapes``.

Each host is a settings module; ``CONDUCTOR_TEST_SHAPE`` in it names the ``Shape`` (in
``tests.hosts.shapes``) that tells the shape-agnostic tests how that host makes its rows:

- ``tests.settings``: the example project, users own their connection (integer keys,
  username log-in, ``rest_framework`` installed).
- ``tests.hosts.organizations.settings``: the example project with organizations as owners;
  members share the connection and only admins may manage it.
- ``tests.hosts.uuid_email.settings``: a lean project of its own: a UUID-keyed user model that
  logs in by e-mail, no ``rest_framework`` in INSTALLED_APPS, no example apps.

``make test`` runs ``tests/shapes`` under each of them, on SQLite and PostgreSQL.
"""
