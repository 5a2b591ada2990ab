"""The README's core promises, in every host shape: one end-user per owner, created after
commit; the settings page sends a manager into the hosted flow; the callback confirms."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from conductor_django.models import ConnectionStatus

pytestmark = pytest.mark.django_db


def test_a_new_owner_gets_exactly_one_end_user_keyed_by_its_primary_key(owner, fake_conductor):
    assert fake_conductor.count("POST", "/end-users") == 1
    (end_user,) = fake_conductor.end_users.values()
    assert owner.conductor_end_user_id == end_user["id"]
    assert end_user["sourceId"] == str(owner.pk)


def test_settings_page_sends_a_manager_to_the_flow_and_the_callback_confirms(
    owner, fake_conductor, client_for
):
    browser = client_for(owner)
    response = browser.get(reverse("conductor_django:settings"))
    assert response.status_code == 302
    session = fake_conductor.auth_sessions[-1]
    assert response["Location"] == session["authFlowUrl"]
    assert session["endUserId"] == owner.conductor_end_user_id

    fake_conductor.set_scenario(owner, "connected")
    state = parse_qs(urlsplit(session["redirectUrl"]).query)["state"][0]
    back = browser.get(reverse("conductor_django:callback"), {"state": state})
    assert back.status_code == 302
    page = browser.get(back["Location"])
    assert "Connected" in page.text
    status = ConnectionStatus.objects.get(end_user_id=owner.conductor_end_user_id)
    assert status.status == ConnectionStatus.Status.CONNECTED


def test_a_member_who_may_not_manage_is_not_sent_into_the_flow(
    shape, owner, fake_conductor, client_for
):
    if shape.everyone_manages:
        pytest.skip(f"every user of {shape.name} manages their own connection")
    response = client_for(owner, admin=False).get(reverse("conductor_django:settings"))
    assert response.status_code == 200
    assert fake_conductor.auth_sessions == []
    assert "Ask an administrator" in response.text
