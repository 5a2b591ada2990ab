import re

from django.urls import path, re_path

from . import views

app_name = "conductor_django_api"

routes = [
    path("status/", views.StatusView.as_view(), name="status"),
    path("health-check/", views.HealthCheckView.as_view(), name="health-check"),
    path("auth-session/", views.AuthSessionView.as_view(), name="auth-session"),
    path("disconnect/", views.DisconnectView.as_view(), name="disconnect"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
]
# Every other path under the mount answers a JSON 404. A route without its trailing slash is
# left unmatched, so that APPEND_SLASH still redirects "status" to "status/".
_known = "|".join(re.escape(str(route.pattern).rstrip("/")) for route in routes)
urlpatterns = [
    *routes,
    re_path(rf"^(?!(?:{_known})/?$).*", views.NotFoundView.as_view(), name="not-found"),
]
