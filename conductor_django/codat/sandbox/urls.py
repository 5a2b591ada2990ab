from django.urls import path, re_path

from . import api, branding, control_endpoint, dashboard, link

app_name = "codat_sandbox"

# The API answers at the mount's root, as api.codat.io does; the sandbox's own pages live under
# prefixes Codat's API does not use, and come first.
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("dashboard/action", dashboard.action, name="action"),
    path("control/", control_endpoint.control_view, name="control"),
    path("assets/<str:key>/<str:variant>.svg", branding.asset, name="asset"),
    path(
        "link/companies/<str:company_id>/connections/<str:connection_id>/start",
        link.start,
        name="link_start",
    ),
    path("link/company/<str:company_id>", link.company_link, name="link_company"),
    re_path(r"^(?P<api_path>.+)$", api.dispatch, name="api"),
]
