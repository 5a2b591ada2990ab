import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from conductor_django.models import AuthSessionRecord

from .conftest import client_for

pytestmark = pytest.mark.django_db
SETTINGS = "/quickbooks/"


def api(name):
    return reverse(f"conductor_django_api:{name}")


def test_members_share_the_organization_connection(team, fake_conductor):
    org, people = team
    fake_conductor.set_scenario(org, "connected")
    refreshed = client_for(people["max"]).post(api("health-check")).json()
    assert refreshed["status"] == "connected"
    checked = [
        call.request.headers["Conductor-End-User-Id"]
        for call in fake_conductor.mock.calls
        if call.request.url.endswith("/health-check")
    ]
    assert checked == [org.conductor_end_user_id]
    # Ann and Mia see what Max's check found, without another call.
    for name in ("ann", "mia"):
        body = client_for(people[name]).get(api("status")).json()
        assert body["status"] == "connected"
    assert len(checked) == fake_conductor.count("GET", "/health-check")


def test_only_admins_may_manage_through_the_api(team, fake_conductor):
    org, people = team
    assert client_for(people["ann"]).get(api("status")).json()["canManage"] is True
    member = client_for(people["max"])
    assert member.get(api("status")).json()["canManage"] is False
    for method, name in [
        ("post", "auth-session"),
        ("post", "disconnect"),
        ("delete", "disconnect"),
    ]:
        response = getattr(member, method)(api(name))
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "NOT_ALLOWED"
    assert fake_conductor.auth_sessions == []
    assert org.conductor_end_user_id in fake_conductor.end_users

    created = client_for(people["ann"]).post(api("auth-session"))
    assert created.status_code == 201
    assert fake_conductor.auth_sessions[-1]["endUserId"] == org.conductor_end_user_id
    record = AuthSessionRecord.objects.get()
    assert (record.owner, record.issued_by) == (org, people["ann"])


def test_a_member_sees_the_settings_page_but_cannot_start_the_flow(team, fake_conductor):
    _org, people = team
    response = client_for(people["max"]).get(SETTINGS)
    assert response.status_code == 200
    assert b"Ask an administrator of your account" in response.content
    assert fake_conductor.auth_sessions == []


def test_an_admin_opening_the_settings_page_is_sent_to_the_flow(team, fake_conductor):
    org, people = team
    response = client_for(people["ann"]).get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == fake_conductor.auth_sessions[-1]["authFlowUrl"]
    assert fake_conductor.auth_sessions[-1]["endUserId"] == org.conductor_end_user_id


def test_only_an_admin_may_disconnect_from_the_settings_page(team, fake_conductor):
    org, people = team
    fake_conductor.set_scenario(org, "connected")
    member_page = client_for(people["mia"]).get(SETTINGS)
    assert b"Connected" in member_page.content
    assert b"Disconnect QuickBooks Desktop" not in member_page.content
    assert client_for(people["mia"]).post(f"{SETTINGS}disconnect/").status_code == 403
    assert org.conductor_end_user_id in fake_conductor.end_users

    admin = client_for(people["ann"])
    assert b"Disconnect QuickBooks Desktop" in admin.get(SETTINGS).content
    assert admin.post(f"{SETTINGS}disconnect/").status_code == 302
    assert org.conductor_end_user_id not in fake_conductor.end_users
    org.refresh_from_db()
    assert org.conductor_end_user_id is None
    assert client_for(people["max"]).get(api("status")).json()["status"] == "not_set_up"


def test_a_user_without_an_organization_has_nothing_to_connect(
    organization_owned, django_user_model, fake_conductor
):
    loner = django_user_model.objects.create_user("loner")
    client = client_for(loner)
    assert client.get(SETTINGS).status_code == 404
    response = client.get(api("status"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NO_OWNER"


def test_template_tags_show_a_member_the_organization_status(
    team, fake_conductor, django_assert_num_queries
):
    org, people = team
    fake_conductor.set_scenario(org, "not_active")
    client_for(people["ann"]).post(api("health-check"))
    request = RequestFactory().get("/")
    request.user = people["max"]
    template = Template(
        "{% load conductor %}{% conductor_status_badge %}{% conductor_connect_button %}"
        "{% conductor_status_badge %}"
    )
    # One query for the membership (with its organization), one for the status.
    with django_assert_num_queries(2):
        out = template.render(Context({"request": request}))
    assert out.count("conductor-badge--error") == 2
    assert ">View QuickBooks Desktop connection</a>" in out
