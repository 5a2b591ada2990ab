from django.urls import path, re_path

from . import api, control_endpoint, dashboard, flow

app_name = "conductor_sandbox"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("scenario", dashboard.set_scenario, name="set_scenario"),
    path("faults", dashboard.set_faults, name="set_faults"),
    path("faults/next", dashboard.fail_next, name="fail_next"),
    path("faults/clear", dashboard.clear_faults, name="clear_faults"),
    path("reset", dashboard.reset, name="reset"),
    path("control/", control_endpoint.control_view, name="control"),
    path("qbd/<str:client_secret>", flow.download_step, name="flow"),
    path("qbd/<str:client_secret>/app.qwc", flow.qwc_file, name="flow_qwc"),
    path("qbd/<str:client_secret>/password", flow.password_step, name="flow_password"),
    path("qbd/<str:client_secret>/authorize", flow.authorize_step, name="flow_authorize"),
    path("qbd/<str:client_secret>/complete", flow.complete, name="flow_complete"),
    re_path(r"^v1/(?P<api_path>.*)$", api.dispatch, name="api"),
    path("v1/", api.dispatch, {"api_path": ""}, name="api_root"),
]
