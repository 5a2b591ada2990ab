"""The whole QuickBooks journey over real HTTP: the example project and the sandbox under one live
server, the app's client reaching the sandbox through sockets, a ``requests`` session as the
browser. Nothing of ours is mocked."""

import pytest

from conductor_django.client import catalog
from conductor_django.models import AuthSessionRecord, ConnectionStatus
from conductor_django.sandbox import control
from example_project.accounts.models import User

from .journey import only_end_user, open_settings_expecting_flow, walk_flow

pytestmark = pytest.mark.live

CONNECTED_MESSAGE = "QuickBooks Desktop is connected."


def test_sign_up_to_connected(app, visitor):
    response = visitor.sign_up("carol", "Carol's Cakes")
    assert response.status_code == 302

    user = User.objects.get(username="carol")
    end_user = only_end_user()
    assert end_user["sourceId"] == str(user.pk)
    assert end_user["companyName"] == "Carol's Cakes"
    assert end_user["email"] == "carol@example.com"
    assert user.conductor_end_user_id == end_user["id"]
    assert "Welcome, carol" in visitor.page(visitor.follow(response)).text

    response = open_settings_expecting_flow(visitor, app)
    [session] = control.auth_sessions(end_user["id"])
    redirect_url = session["redirectUrl"]
    assert redirect_url.startswith(f"{app}/quickbooks/callback/?state=")

    response = walk_flow(visitor, response, "connect")
    assert response.status_code == 302
    assert response.headers["Location"] == redirect_url

    response = visitor.follow(response)
    assert response.status_code == 302
    assert response.headers["Location"] == "/quickbooks/"
    settings_page = visitor.follow(response)
    assert settings_page.status_code == 200
    page = visitor.page(settings_page)
    assert 'data-conductor-outcome="connected"' in settings_page.text
    assert "Connected" in page.text
    # The page says it; a flash would say it twice.
    assert CONNECTED_MESSAGE not in page.text

    status = ConnectionStatus.objects.get(end_user_id=end_user["id"])
    assert status.status == ConnectionStatus.Status.CONNECTED
    assert status.first_connected_at is not None
    assert AuthSessionRecord.objects.get(end_user_id=end_user["id"]).completed_at is not None
    assert control.scenario(end_user["id"]) == "connected"

    # Replaying the return link changes nothing and says why.
    replay = visitor.get(redirect_url)
    assert replay.status_code == 400
    assert "already been used" in visitor.page(replay).text
    assert only_end_user()["id"] == end_user["id"]


@pytest.mark.parametrize(
    "scenario, message",
    [
        ("not_active", catalog.NOT_ACTIVE_USER_MESSAGE),
        ("permission_denied", catalog.PERMISSION_DENIED_USER_MESSAGE),
        ("qbd_not_running", catalog.QBD_NOT_RUNNING_USER_MESSAGE),
    ],
)
def test_each_scenario_shows_its_message(app, visitor, scenario, message):
    visitor.sign_up("dan", "Dan's Diner")
    end_user_id = only_end_user()["id"]
    control.set_scenario(end_user_id, "connected")
    assert "Connected" in visitor.page(visitor.get("/quickbooks/")).text

    control.set_scenario(end_user_id, scenario)
    response = visitor.get("/quickbooks/", refresh="1")
    assert response.status_code == 200
    page = visitor.page(response)
    assert message in page.text
    assert "Connected" not in page.text

    control.set_scenario(end_user_id, "connected")
    again = visitor.page(visitor.get(page.link("conductor-retry")))
    assert "Connected" in again.text
    assert message not in again.text


def test_wrong_permission_ends_with_0x80040420_message(app, visitor):
    visitor.sign_up("erin", "Erin's Electrics")
    end_user_id = only_end_user()["id"]
    response = walk_flow(visitor, open_settings_expecting_flow(visitor, app), "wrong-permission")
    [session] = control.auth_sessions(end_user_id)
    assert response.headers["Location"] == session["redirectUrl"]

    settings_page = visitor.follow(visitor.follow(response))
    assert settings_page.status_code == 200
    page = visitor.page(settings_page)
    assert catalog.PERMISSION_DENIED_USER_MESSAGE in page.text
    assert CONNECTED_MESSAGE not in page.text
    status = ConnectionStatus.objects.get(end_user_id=end_user_id)
    assert (status.status, status.error_code, status.integration_code) == (
        ConnectionStatus.Status.ERROR,
        "QBD_CONNECTION_ERROR",
        "0x80040420",
    )


def test_abandoning_the_flow_leaves_it_not_connected(app, visitor):
    visitor.sign_up("fay", "Fay's Florist")
    end_user_id = only_end_user()["id"]
    response = walk_flow(visitor, open_settings_expecting_flow(visitor, app), "abandon")
    assert response.status_code == 200
    abandoned = visitor.page(response)
    assert "flow-abandoned" in abandoned.by_id
    [session] = control.auth_sessions(end_user_id)
    assert abandoned.attr("back-to-app", "href") == session["redirectUrl"]

    callback = visitor.get(session["redirectUrl"])
    assert callback.status_code == 302
    # Still not set up: the settings page says so and offers to connect, rather than sending
    # the user straight back into the flow they just left.
    response = visitor.follow(callback)
    assert response.status_code == 200
    settings_page = visitor.page(response)
    assert "setup was not finished" in settings_page.text
    assert settings_page.text.lower().count("not connected") == 1  # said once, with the reason
    assert len(control.auth_sessions(end_user_id)) == 1
    again = visitor.get(settings_page.link("conductor-connect"))
    assert again.status_code == 302
    assert again.headers["Location"].startswith(f"{app}/sandbox/qbd/")
    assert len(control.auth_sessions(end_user_id)) == 2

    dashboard = visitor.page(visitor.get("/"))
    assert "Not connected" in dashboard.text
    assert control.scenario(end_user_id) == "not_set_up"
    status = ConnectionStatus.objects.get(end_user_id=end_user_id)
    assert status.status == ConnectionStatus.Status.NOT_SET_UP
