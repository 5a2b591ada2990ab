"""An offline stand-in for Codat: the Platform API, the hosted Link page, scenarios, fault
injection and signed webhooks, for local development and tests. It imports nothing from the rest
of ``conductor_django`` but ``conductor_django.codat``'s Django-free catalog, shapes and query
language (which ``FakeCodat`` shares): it plays the remote service.

NEVER MOUNT IT IN PRODUCTION. Its dashboard and control endpoint have no login. As a guard every
view answers 404 unless ``settings.DEBUG`` or ``settings.CODAT_SANDBOX["ENABLED"]`` is true.

Setup: add ``"conductor_django.codat.sandbox"`` to INSTALLED_APPS, migrate, and mount it::

    path("codat-sandbox/", include("conductor_django.codat.sandbox.urls"))

Clients use ``http://<host>/codat-sandbox`` as the base URL (the official SDK's
``server_url``), with ``Authorization: Basic <base64 of CODAT_SANDBOX["API_KEY"]>``. Settings:
``config``. Under the mount:

- ``companies…``, ``integrations…``, ``profile``: the API (``api``, ``endpoints``).
- ``link/companies/<id>/connections/<id>/start`` and ``link/company/<id>``: Link (``link``).
- ``assets/<key>/<variant>.svg``: branding images (``branding``).
- ``control/``: JSON control endpoint (``control_endpoint``); from Python use ``control``.
- ``""`` and ``dashboard/action``: the dashboard (``dashboard``).

Where Codat's behaviour is not documented, the sandbox chooses:

- a second accounting connection while one is Linked or Deauthorized: ``POST …/connections``
  answers 400 (Codat's status for other state conflicts); PendingAuth and Unlinked ones do not
  block; linking a second one on the Link page fails with statusCode 500;
- unlinking a connection that is not Linked, or a status other than ``Unlinked``: 400; a
  disabled integration: 400; an unknown platform key: 404;
- deleting a company sends ``company.deleted`` only (no ``connection.deleted`` per connection);
- a revoke (Linked → Deauthorized) also turns the data status to ``AuthError``;
- ``{sourceType}`` in the redirect is the API's spelling (``Accounting``);
- with one-time links, reading a connection through the API after its link was used or
  expired hands out a new token (the old link then shows ``otp-invalid``);
- error texts for 502, unknown routes and 405 are the sandbox's own; the rest are Codat's.
"""
