"""An offline stand-in for Conductor: the API, the hosted QuickBooks Desktop auth flow, scenarios
and fault injection, for local development and tests. It plays the remote service: of the rest
of ``conductor_django`` it imports only the Django-free pieces that describe Conductor (the
client's catalog, its JSON shapes and timestamp format) and the shared ``sandboxing`` helper,
never the app's models or logic.

NEVER MOUNT IT IN PRODUCTION. Its dashboard has no login. As a guard every sandbox view answers
404 unless ``settings.DEBUG`` is true or ``settings.CONDUCTOR_SANDBOX["ENABLED"]`` is true (test
suites, which run with DEBUG false, set the latter).

Setup: add ``"conductor_django.sandbox"`` to INSTALLED_APPS and mount it::

    path("sandbox/", include("conductor_django.sandbox.urls"))

Clients then use ``http://<host>/sandbox/v1`` as the API base URL. Keys accepted:
``CONDUCTOR_SANDBOX["SECRET_KEY"]`` / ``["PUBLISHABLE_KEY"]``, defaulting to
``CONDUCTOR["SECRET_KEY"]`` / ``["PUBLISHABLE_KEY"]``.

Under the mount:

- ``v1/…``: the API (``api``): end-users, auth sessions, QuickBooks Desktop health check.
- ``qbd/<clientSecret>?key=…``: the hosted flow (``flow``; element ids listed there:
  ``#download-qwc``, ``#continue``, ``#wc-password``, ``#outcome-connect``,
  ``#outcome-wrong-permission``, ``#outcome-abandon``, ``#flow-done``, ``#flow-abandoned``,
  ``#back-to-app``, ``#flow-error[data-reason]``).
- ``control/``: JSON control endpoint (``control_endpoint``); from Python use ``control``.
- ``""``: the dashboard (``dashboard``).

Where Conductor's behaviour is not documented, the sandbox chooses (all ``INVALID_REQUEST_ERROR``
unless said otherwise):

- body or header validation: 400 ``INVALID_REQUEST``; ``userFacingMessage`` masked;
- a ``publishableKey`` that is not the configured one: 400 ``PUBLISHABLE_KEY_INVALID``;
- unknown API route: 404 ``RESOURCE_MISSING``; wrong method: 405 ``METHOD_NOT_ALLOWED`` + ``Allow``;
- injected faults: 429 ``TOO_MANY_REQUESTS`` + ``Retry-After``; 500 ``INTERNAL_SERVER_ERROR``,
  502 ``BAD_GATEWAY``, 503 ``SERVICE_UNAVAILABLE`` (type ``INTERNAL_ERROR``); and an HTML 502.
- ``QBD_CONNECTION_ERROR`` for QuickBooks not running uses ``integrationCode`` ``0x80040408``.
"""
