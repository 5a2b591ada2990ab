import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from conductor_django.client.catalog import NOT_ACTIVE_USER_MESSAGE
from conductor_django.connection import check
from conductor_django.models import ConnectionStatus
from conductor_django.provisioning import provisioning_disabled

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/quickbooks/"


def render(source, owner=None, request=None):
    context = {"owner": owner} if owner is not None else {}
    if request is not None:
        context["request"] = request
    return Template("{% load conductor %}" + source).render(Context(context)).strip()


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize(
    ("scenario", "css", "label"),
    [
        ("connected", "connected", "Connected"),
        ("not_set_up", "not-set-up", "Not connected"),
        ("not_active", "error", "Error"),
    ],
)
def test_badge_per_checked_status(user, fake_conductor, scenario, css, label):
    fake_conductor.set_scenario(user, scenario)
    check(user)
    badge = render("{% conductor_status_badge owner %}", user)
    assert badge == (
        f'<span class="conductor-badge conductor-badge--{css}" '
        f'data-conductor-status="{scenario if scenario != "not_active" else "error"}">'
        f"{label}</span>"
    )


def test_badge_of_an_end_user_never_checked_is_unknown(user, fake_conductor):
    assert "conductor-badge--unknown" in render("{% conductor_status_badge owner %}", user)
    assert ">Unknown<" in render("{% conductor_status_badge owner %}", user)


def test_badge_without_an_end_user_is_not_connected(django_user_model, fake_conductor):
    with provisioning_disabled():
        carol = django_user_model.objects.create_user("carol")
    assert "conductor-badge--not-set-up" in render("{% conductor_status_badge owner %}", carol)


@pytest.mark.parametrize(
    ("scenario", "label"),
    [
        ("connected", "Manage QuickBooks Desktop connection"),
        ("not_set_up", "Connect QuickBooks Desktop"),
        ("qbd_not_running", "Reconnect QuickBooks Desktop"),
    ],
)
def test_connect_button_label_follows_the_status(user, fake_conductor, scenario, label):
    fake_conductor.set_scenario(user, scenario)
    check(user)
    button = render("{% conductor_connect_button owner %}", user, request_of(user))
    assert f'href="{reverse("conductor_django:settings")}">{label}</a>' in button


def test_connect_button_can_carry_a_next_url(user, fake_conductor):
    button = render('{% conductor_connect_button owner next_url="/billing/?a=1" %}', user)
    assert f'href="{SETTINGS_URL}?next=/billing/%3Fa%3D1"' in button


def test_connect_button_for_someone_who_may_not_manage_only_views(user, fake_conductor, settings):
    settings.CONDUCTOR = {**settings.CONDUCTOR, "CAN_MANAGE_CONNECTION": lambda request, o: False}
    button = render("{% conductor_connect_button owner %}", user, request_of(user))
    assert ">View QuickBooks Desktop connection</a>" in button


def test_user_message_is_the_last_failure_explanation(user, fake_conductor):
    assert render("{% conductor_user_message owner %}", user) == ""
    fake_conductor.set_scenario(user, "not_active")
    check(user)
    # The page shows the message HTML-escaped, like any other text.
    expected = NOT_ACTIVE_USER_MESSAGE.replace(">", "&gt;")
    assert render("{% conductor_user_message owner %}", user) == expected


def test_user_message_is_escaped(user, fake_conductor):
    fake_conductor.set_scenario(user, "not_active")
    check(user)
    ConnectionStatus.objects.update(user_facing_message="<b>Open QuickBooks</b> & retry")
    assert render("{% conductor_user_message owner %}", user) == (
        "&lt;b&gt;Open QuickBooks&lt;/b&gt; &amp; retry"
    )


def test_status_tag_exposes_the_recorded_fields(user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    check(user)
    out = render(
        "{% conductor_status owner as qbd %}{% if qbd.is_connected %}yes{% endif %} "
        "{{ qbd.status }} {{ qbd.checked_at|date:'Y' }} {{ qbd }}",
        user,
    )
    recorded = ConnectionStatus.objects.get()
    assert out == f"yes connected {recorded.checked_at:%Y} Connected"


def test_tags_default_to_the_request_owner(user, fake_conductor):
    fake_conductor.set_scenario(user, "connected")
    check(user)
    out = render("{% conductor_status_badge %}", request=request_of(user))
    assert "conductor-badge--connected" in out


def test_tags_render_nothing_for_an_anonymous_visitor(fake_conductor):
    source = (
        "{% conductor_status_badge %}{% conductor_connect_button %}{% conductor_user_message %}"
    )
    assert render(source, request=request_of(AnonymousUser())) == ""


PAGE = (
    "{% conductor_status owner as qbd %}{{ qbd.label }}"
    "{% conductor_status_badge owner %}{% conductor_connect_button owner %}"
    "{% conductor_user_message owner %}{% conductor_status_badge owner %}"
    "{% conductor_status_badge %}{% conductor_connect_button %}"
)


def test_many_tags_for_one_owner_cost_one_query_and_no_network(
    user, fake_conductor, django_assert_num_queries
):
    fake_conductor.set_scenario(user, "not_active")
    check(user)
    calls = len(fake_conductor.calls)
    with django_assert_num_queries(1):
        out = render(PAGE, user, request_of(user))
    assert out.count("conductor-badge--error") == 3
    assert len(fake_conductor.calls) == calls


def test_without_a_request_the_template_context_remembers_the_status(
    user, fake_conductor, django_assert_num_queries
):
    source = "{% conductor_status_badge owner %}" * 3 + "{% conductor_user_message owner %}"
    with django_assert_num_queries(1):
        render(source, user)


def test_each_owner_on_a_page_gets_its_own_status(
    user, django_user_model, fake_conductor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bob = django_user_model.objects.create_user("bob", "bob@example.com")
    bob.refresh_from_db()
    fake_conductor.set_scenario(user, "connected")
    fake_conductor.set_scenario(bob, "not_set_up")
    check(user)
    check(bob)
    out = Template(
        "{% load conductor %}{% conductor_status_badge alice %}|{% conductor_status_badge bob %}"
    ).render(Context({"alice": user, "bob": bob, "request": request_of(user)}))
    assert "conductor-badge--connected" in out.split("|")[0]
    assert "conductor-badge--not-set-up" in out.split("|")[1]
