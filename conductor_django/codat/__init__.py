"""Codat, the second provider: companies, connections and Codat's hosted Link, for the
accounting platforms Conductor does not reach. Nothing here imports Django: the HTTP client
(:mod:`conductor_django.codat.client`), the catalog and the shapes are plain Python; the Django
glue lives in subpackages (``sandbox``, ``testing``)."""
