"""The settings page answers at once, whatever QuickBooks takes, in every host shape: with a task
worker it shows "checking", the status it polls follows the check, and the answer then shows
(or, not set up, the manager goes on into the hosted flow). The API asks with a 202 to follow."""

import pytest
from django.urls import NoReverseMatch, reverse

from conductor_django.core.tasks_compat import task_backends
from conductor_django.tasks import check_connection

pytestmark = pytest.mark.django_db
HEALTH_CHECK = "/quickbooks-desktop/health-check"


@pytest.fixture
def worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.results.clear()

    def run():
        for result in backend.results:
            check_connection.call(*result.args)
        backend.results.clear()

    return run


def data_attribute(response, name):
    text = response.content.decode()
    return text.split(f'{name}="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_the_page_shows_checking_then_the_answer(owner, fake_conductor, client_for, worker):
    fake_conductor.set_scenario(owner, "connected")
    browser = client_for(owner)

    page = browser.get(reverse("conductor_django:settings"))

    assert page.status_code == 200
    assert 'data-conductor-outcome="checking"' in page.text
    assert fake_conductor.count("GET", HEALTH_CHECK) == 0
    status_url = data_attribute(page, "data-conductor-status-url")
    assert status_url.startswith(reverse("conductor_django:status"))
    assert browser.get(status_url).json()["state"] == "checking"
    worker()
    assert browser.get(status_url).json()["state"] == "connected"
    shown = browser.get(data_attribute(page, "data-conductor-page-url"))
    assert 'data-conductor-outcome="connected"' in shown.text
    assert fake_conductor.count("GET", HEALTH_CHECK) == 1


def test_not_set_up_goes_on_into_the_flow_for_a_manager(owner, fake_conductor, client_for, worker):
    browser = client_for(owner)
    page = browser.get(reverse("conductor_django:settings"))
    worker()

    assert browser.get(data_attribute(page, "data-conductor-status-url")).json()["connect"]
    response = browser.get(data_attribute(page, "data-conductor-page-url"))
    assert response.status_code == 302
    assert response["Location"] == fake_conductor.auth_sessions[-1]["authFlowUrl"]


def test_the_api_answers_202_and_the_check_is_followed(owner, fake_conductor, client_for, worker):
    try:
        ask = reverse("conductor_django_api:health-check")
    except NoReverseMatch:
        pytest.skip("this host mounts no REST API")
    fake_conductor.set_scenario(owner, "connected")
    browser = client_for(owner)

    response = browser.post(ask)

    assert response.status_code == 202
    assert browser.get(response["Location"]).json()["checking"] is True
    worker()
    body = browser.get(response["Location"]).json()
    assert (body["status"], body["checking"]) == ("connected", False)
