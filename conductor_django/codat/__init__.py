"""Codat, the second provider: companies, connections and Codat's hosted Link, for the
accounting platforms Conductor does not reach.

The HTTP client (:mod:`conductor_django.codat.client`), the catalog and the shapes are plain
Python and import nothing from Django. The Django app (``"conductor_django.codat"`` in
INSTALLED_APPS, next to ``"conductor_django"``, the core app) adds the owner mixin, the records,
the service functions (:mod:`conductor_django.codat.services`), the admin, template tags, the
REST API, checks and commands; ``sandbox`` and ``testing`` are its offline Codat and test fake.
"""
