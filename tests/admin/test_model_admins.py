"""The app's own admin pages: connection statuses and the funnel of links issued."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from conductor_django import connection
from conductor_django.client.catalog import NOT_ACTIVE_USER_MESSAGE
from conductor_django.models import AuthSessionRecord, ConnectionStatus
from conductor_django.owners import owner_reference

from .support import messages_of, run_action

pytestmark = pytest.mark.django_db
STATUSES_URL = "/admin/conductor_django/connectionstatus/"
LINKS_URL = "/admin/conductor_django/authsessionrecord/"


def listed(client, url, query=""):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


@pytest.fixture
def statuses(make_user):
    """One owner in each state the list filters tell apart."""
    owners = {
        "connected": make_user("alice", "connected"),
        "not_set_up": make_user("bob"),
        "error": make_user("carol", "not_active"),
    }
    for owner in owners.values():
        connection.check(owner)
    never = make_user("dave")
    ConnectionStatus.objects.create(
        **owner_reference(never), end_user_id=never.conductor_end_user_id
    )
    owners["never_checked"] = never
    return owners


@pytest.mark.parametrize("value", ["connected", "not_set_up", "error", "never_checked"])
def test_connection_filter(admin_client, statuses, value):
    _, rows = listed(admin_client, STATUSES_URL, f"connection={value}")

    assert [row.end_user_id for row in rows] == [statuses[value].conductor_end_user_id]


def test_error_code_and_last_checked_filters(admin_client, statuses):
    _, rows = listed(admin_client, STATUSES_URL, "error_code=INTEGRATION_CONNECTION_NOT_ACTIVE")
    assert [row.end_user_id for row in rows] == [statuses["error"].conductor_end_user_id]

    _, rows = listed(admin_client, STATUSES_URL, "checked_at__isnull=True")
    assert [row.end_user_id for row in rows] == [statuses["never_checked"].conductor_end_user_id]

    today = timezone.localdate()
    query = f"checked_at__year={today.year}&checked_at__month={today.month}"
    _, rows = listed(admin_client, STATUSES_URL, query)
    assert len(rows) == 3


def test_status_list_shows_owner_and_message(admin_client, statuses):
    response, _ = listed(admin_client, STATUSES_URL)
    page = response.content.decode()

    assert f"/admin/accounts/user/{statuses['error'].pk}/change/" in page
    assert "INTEGRATION_CONNECTION_NOT_ACTIVE" in page
    assert settings.CONDUCTOR["SECRET_KEY"] not in page


def test_statuses_are_read_only(admin_client, statuses):
    status = ConnectionStatus.objects.get(status="error")
    change_url = f"{STATUSES_URL}{status.pk}/change/"

    assert admin_client.get(f"{STATUSES_URL}add/").status_code == 403
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert escape(NOT_ACTIVE_USER_MESSAGE) in page.content.decode()
    assert 'name="status"' not in page.content.decode()
    assert admin_client.post(change_url, {"status": "connected"}).status_code == 403
    assert admin_client.post(f"{STATUSES_URL}{status.pk}/delete/").status_code == 403
    status.refresh_from_db()
    assert status.status == "error"


def test_health_check_from_the_status_list(admin_client, statuses, fake_conductor):
    carol = statuses["error"]
    fake_conductor.set_scenario(carol, "connected")
    status = ConnectionStatus.objects.get(end_user_id=carol.conductor_end_user_id)

    response = run_action(admin_client, "run_health_check", [status], url=STATUSES_URL)

    assert messages_of(response) == [("SUCCESS", "carol: connected.")]
    status.refresh_from_db()
    assert status.status == "connected"


@pytest.fixture
def links(make_user, admin_user):
    """A pending, a completed and an expired link."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    issued = {
        owner.username: connection.issue_auth_session(
            owner, reason="emailed_link", issued_by=admin_user, sent_to=f"books+{owner}@x.test"
        )
        for owner in (alice, bob, carol)
    }
    connection.record(bob, bob.conductor_end_user_id, ConnectionStatus.Status.CONNECTED)
    AuthSessionRecord.objects.filter(pk=issued["carol"].record.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    return issued


@pytest.mark.parametrize(
    "state, username", [("pending", "alice"), ("completed", "bob"), ("expired", "carol")]
)
def test_link_state_filter_and_column(admin_client, links, state, username):
    response, rows = listed(admin_client, LINKS_URL, f"state={state}")

    assert [row.auth_session_id for row in rows] == [links[username].record.auth_session_id]
    assert f"books+{username}@x.test" in response.content.decode()
    assert f'<td class="field-state">{state.title()}</td>' in response.content.decode()


def test_link_list_never_shows_the_link(admin_client, links, fake_conductor):
    response, rows = listed(admin_client, LINKS_URL, "reason=emailed_link")
    detail = admin_client.get(f"{LINKS_URL}{rows[0].pk}/change/")

    assert len(rows) == 3
    for page in (response, detail):
        content = page.content.decode()
        assert "admin" in content  # issued by
        for session in fake_conductor.auth_sessions:
            assert session["authFlowUrl"] not in content
            assert session["clientSecret"] not in content
    assert admin_client.get(f"{LINKS_URL}add/").status_code == 403


def test_links_of_one_owner_from_its_status_page(admin_client, links):
    alice_link = links["alice"].record
    status = ConnectionStatus.objects.create(
        **{"owner_type": alice_link.owner_type, "owner_id": alice_link.owner_id},
        end_user_id=alice_link.end_user_id,
    )
    page = admin_client.get(f"{STATUSES_URL}{status.pk}/change/").content.decode()
    query = f"end_user_id={alice_link.end_user_id}"
    assert f"{LINKS_URL}?{query}" in page

    _, rows = listed(admin_client, LINKS_URL, query)

    assert rows == [alice_link]
