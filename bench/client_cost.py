"""1. HTTP client cost: our ConductorClient vs conductor-py vs a bare requests.Session."""

import conductor
import requests

from conductor_django.client import ConductorClient
from conductor_django.sandbox import control

from . import per_call
from .per_call import timed
from .report import Section

CALLS = ("create end-user", "create auth session", "health check")
END_USER_HEADER = "Conductor-End-User-Id"


class Floor:
    """The same three requests with nothing around them: the least any client can cost."""

    name = "requests.Session (floor)"

    def __init__(self, ctx):
        self.api = ctx.api
        self.publishable = ctx.publishable
        self.session = requests.Session()
        self.headers = {"Authorization": f"Bearer {ctx.secret}", "Accept": "application/json"}

    def _json(self, response):
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url}: HTTP {response.status_code}")
        return response.json()

    def create_end_user(self, source_id):
        body = {"companyName": "Bench Co", "sourceId": source_id, "email": "b@example.com"}
        response = self.session.post(self.api + "/end-users", json=body, headers=self.headers)
        return self._json(response)["id"]

    def create_auth_session(self, end_user_id):
        body = {"publishableKey": self.publishable, "endUserId": end_user_id}
        response = self.session.post(self.api + "/auth-sessions", json=body, headers=self.headers)
        return self._json(response)["id"]

    def health_check(self, end_user_id):
        headers = {**self.headers, END_USER_HEADER: end_user_id}
        response = self.session.get(self.api + "/quickbooks-desktop/health-check", headers=headers)
        return self._json(response)["status"]


class Ours:
    name = "conductor-django ConductorClient"

    def __init__(self, ctx):
        self.publishable = ctx.publishable
        self.client = ConductorClient(ctx.secret, base_url=ctx.api, max_retries=0)

    def create_end_user(self, source_id):
        return self.client.create_end_user(
            company_name="Bench Co", source_id=source_id, email="b@example.com"
        ).id

    def create_auth_session(self, end_user_id):
        return self.client.create_auth_session(
            publishable_key=self.publishable, end_user_id=end_user_id
        ).id

    def health_check(self, end_user_id):
        return self.client.health_check(end_user_id).status


class Sdk:
    name = "conductor-py (official SDK)"

    def __init__(self, ctx):
        self.publishable = ctx.publishable
        self.client = conductor.Conductor(api_key=ctx.secret, base_url=ctx.api, max_retries=0)

    def create_end_user(self, source_id):
        return self.client.end_users.create(
            company_name="Bench Co", source_id=source_id, email="b@example.com"
        ).id

    def create_auth_session(self, end_user_id):
        return self.client.auth_sessions.create(
            publishable_key=self.publishable, end_user_id=end_user_id
        ).id

    def health_check(self, end_user_id):
        return self.client.qbd.health_check(conductor_end_user_id=end_user_id).status


def _sequence(connected_id):
    def sequence(client, number):
        ids = {}

        def create_end_user():
            ids["end_user"] = client.create_end_user(f"bench-{number}")

        return timed(
            create_end_user,
            lambda: client.create_auth_session(ids["end_user"]),
            lambda: client.health_check(connected_id),
        )

    return sequence


def run(ctx, sequences, block=10):
    clients = [Floor(ctx), Ours(ctx), Sdk(ctx)]
    connected_id = clients[0].create_end_user("bench-connected")
    control.set_scenario(connected_id, "connected")
    samples = per_call.sample(clients, _sequence(connected_id), sequences, block)
    floor, ours, sdk = (client.name for client in clients)
    section = Section(
        "HTTP client cost",
        f"The sequence create end-user → create auth session → health check (of a connected "
        f"end-user), {len(samples[ours])} times per client, in round-robin blocks of {block}, "
        "against the sandbox on the benchmark server; retries off on both libraries "
        "(`max_retries=0`). Wall time per call as the caller sees it (server time included, "
        "identical for all three), and the client process's CPU time per sequence, which is "
        "the client's own cost without the server's.",
    )
    per_call.report(section, CALLS, samples, floor, ours, sdk)
    return section
