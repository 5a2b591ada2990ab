"""A JSON API over the connection for single-page front ends (needs djangorestframework).

Mount it with ``path("api/quickbooks/", include("conductor_django.api.urls"))``. The routes, the
response bodies and the one error shape are described by the OpenAPI document served at
``schema/`` (``conductor_django.api.schema.document``).
"""
