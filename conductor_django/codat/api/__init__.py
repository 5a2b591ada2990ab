"""A JSON API over the owner's Codat connections for single-page front ends (needs
djangorestframework).

Mount it with ``path("api/codat/", include("conductor_django.codat.api.urls"))``. The routes,
the bodies and the one error shape (the same as the Conductor API's) are described by the
OpenAPI document served at ``schema/`` (``conductor_django.codat.api.schema.document``).
"""
