"""1. HTTP client cost: our ConductorClient vs conductor-py vs a bare requests.Session."""

import time

import conductor
import requests

from conductor_django.client import ConductorClient
from conductor_django.sandbox import control

from .report import Section
from .stats import median, ms, percentile, ratio, rounds, times

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


def _sequence(variant, source_id, connected_id):
    cpu = time.process_time()
    t0 = time.perf_counter()
    end_user_id = variant.create_end_user(source_id)
    t1 = time.perf_counter()
    variant.create_auth_session(end_user_id)
    t2 = time.perf_counter()
    variant.health_check(connected_id)
    t3 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t3 - t0, time.process_time() - cpu)


def run(ctx, sequences, block=10):
    variants = [Floor(ctx), Ours(ctx), Sdk(ctx)]
    connected_id = variants[0].create_end_user("bench-connected")
    control.set_scenario(connected_id, "connected")
    samples = {variant.name: [] for variant in variants}
    counter = 0
    for variant in variants:  # warm each connection pool and code path
        for _ in range(5):
            counter += 1
            _sequence(variant, f"bench-warm-{counter}", connected_id)
    for _index, order in rounds(variants, max(1, sequences // block)):
        for variant in order:
            for _ in range(block):
                counter += 1
                samples[variant.name].append(_sequence(variant, f"bench-{counter}", connected_id))

    def column(name, position):
        return [sample[position] for sample in samples[name]]

    floor, ours, sdk = (variant.name for variant in variants)
    section = Section(
        "HTTP client cost",
        f"The sequence create end-user → create auth session → health check (of a connected "
        f"end-user), {len(samples[ours])} times per client, in round-robin blocks of {block}, "
        "against the sandbox on the benchmark server; retries off on both libraries "
        "(`max_retries=0`). Wall time per call as the caller sees it (server time included, "
        "identical for all three), and the client process's CPU time per sequence, which is "
        "the client's own cost without the server's.",
    )
    rows = []
    for name in (floor, ours, sdk):
        for position, call in enumerate((*CALLS, "whole sequence")):
            values = column(name, position)
            reference = median(column(floor, position))
            rows.append(
                [
                    name,
                    call,
                    ms(median(values)),
                    ms(percentile(values, 0.99)),
                    times(ratio(median(values), reference)),
                ]
            )
    section.table(["Client", "Call", "median ms", "p99 ms", "median ÷ floor"], rows)
    cpu_floor = median(column(floor, 4))
    section.table(
        ["Client", "client CPU ms per sequence (median)", "÷ floor"],
        [
            [name, ms(median(column(name, 4))), times(ratio(median(column(name, 4)), cpu_floor))]
            for name in (floor, ours, sdk)
        ],
    )
    ours_ratio = ratio(median(column(ours, 3)), median(column(floor, 3)))
    sdk_ratio = ratio(median(column(sdk, 3)), median(column(floor, 3)))
    section.target("ours ≤ 1.1× the floor (sequence median)", times(ours_ratio), ours_ratio <= 1.1)
    section.target(
        "ours cheaper than conductor-py (sequence median)",
        f"{times(ours_ratio)} vs {times(sdk_ratio)}",
        ours_ratio < sdk_ratio,
    )
    return section
