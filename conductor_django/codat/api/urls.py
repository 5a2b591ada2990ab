import re

from django.urls import path, re_path

from . import views

app_name = "conductor_codat_api"

routes = [
    path("connections/", views.ConnectionsView.as_view(), name="connections"),
    path(
        "connections/<str:connection_id>/",
        views.ConnectionView.as_view(),
        name="connection",
    ),
    path(
        "connections/<str:connection_id>/unlink/",
        views.UnlinkView.as_view(),
        name="unlink",
    ),
    path(
        "connections/<str:connection_id>/reconnect/",
        views.ReconnectView.as_view(),
        name="reconnect",
    ),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("integrations/", views.PlatformsView.as_view(), name="integrations"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
]
# Every other path under the mount answers a JSON 404; a route without its trailing slash is left
# unmatched, so that APPEND_SLASH still redirects to it.
_known = "|".join(
    re.escape(str(route.pattern).rstrip("/")).replace(r"<str:connection_id>", "[^/]+")
    for route in routes
)
urlpatterns = [
    *routes,
    re_path(rf"^(?!(?:{_known})/?$).*", views.NotFoundView.as_view(), name="not-found"),
]
