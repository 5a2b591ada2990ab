"""Codat, the second provider: companies, connections and Codat's hosted Link, for the
accounting platforms Conductor does not reach. Nothing here imports Django at import time;
the HTTP client is :mod:`conductor_django.codat.client`."""
