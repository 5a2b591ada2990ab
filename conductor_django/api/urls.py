from django.urls import path

from . import views

app_name = "conductor_django_api"

urlpatterns = [
    path("status/", views.StatusView.as_view(), name="status"),
    path("health-check/", views.HealthCheckView.as_view(), name="health-check"),
    path("auth-session/", views.AuthSessionView.as_view(), name="auth-session"),
    path("disconnect/", views.DisconnectView.as_view(), name="disconnect"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
]
