"""The webhook endpoint, for the host's URLconf::

    path("codat/webhooks/", include("conductor_django.codat.webhooks.urls")),

Register the resulting absolute URL (``https://<your host>/codat/webhooks/``) in Codat's Portal
(Settings > Webhooks), and put the endpoint's signing secret in ``CODAT["WEBHOOK_SECRETS"]``.
"""

from django.urls import path

from . import views

app_name = "conductor_codat_webhooks"

urlpatterns = [path("", views.receive, name="receive")]
