"""The client benchmarks' shared sampling and report (``bench.per_call``): fair interleaving,
fresh numbers for every sequence, and targets computed from the medians they claim."""

import pytest

from bench import per_call
from bench.report import Section


class Client:
    def __init__(self, name):
        self.name = name


def recorder():
    runs = []

    def sequence(client, number):
        runs.append((client.name, number))
        return (0.0, 0.0)

    return runs, sequence


def test_every_client_is_warmed_then_sampled_in_rotating_blocks():
    clients = [Client("a"), Client("b"), Client("c")]
    runs, sequence = recorder()

    samples = per_call.sample(clients, sequence, sequences=6, block=2, warm=1)

    assert [name for name, _ in runs[:3]] == ["a", "b", "c"]
    timed_order = [name for name, _ in runs[3:]]
    assert timed_order == [
        *"aabbcc",  # round 1 starts with a,
        *"bbccaa",  # round 2 with b,
        *"ccaabb",  # round 3 with c
    ]
    assert {name: len(values) for name, values in samples.items()} == {"a": 6, "b": 6, "c": 6}


def test_every_sequence_gets_its_own_number_within_the_announced_count():
    clients = [Client("a"), Client("b")]
    runs, sequence = recorder()

    per_call.sample(clients, sequence, sequences=25, block=10, warm=3)

    numbers = [number for _, number in runs]
    assert numbers == list(range(1, per_call.sequence_count(clients, 25, 10, warm=3) + 1))


def test_fewer_sequences_than_a_block_still_run_one_block():
    runs, sequence = recorder()

    samples = per_call.sample([Client("a")], sequence, sequences=3, block=10, warm=0)

    assert len(samples["a"]) == 10 == len(runs)


def test_timed_runs_the_calls_in_order_and_reports_each_then_the_total():
    order = []

    timings = per_call.timed(lambda: order.append(1), lambda: order.append(2))

    assert order == [1, 2]
    assert len(timings) == 4  # two calls, the whole sequence, CPU
    assert timings[2] == pytest.approx(timings[0] + timings[1])


def sequences(total, cpu):
    """Samples whose calls split ``total`` evenly; one call, then the total, then the CPU."""
    return [(value / 2, value, cpu) for value in total]


@pytest.mark.parametrize(
    ("ours", "sdk", "met"),
    [
        ([10.5, 10.6, 10.7], [11.0, 11.2, 11.4], [True, True]),
        ([11.5, 11.6, 11.7], [11.0, 11.2, 11.4], [False, False]),
        ([10.8, 10.9, 11.0], [10.4, 10.5, 10.6], [True, False]),
    ],
)
def test_report_targets_compare_sequence_medians_with_the_floor_and_the_rival(ours, sdk, met):
    samples = {
        "floor": sequences([9.0, 10.0, 30.0], cpu=2.0),
        "ours": sequences(ours, cpu=2.2),
        "sdk (official SDK)": sequences(sdk, cpu=3.0),
    }
    section = Section("t", "m")

    per_call.report(section, ("call",), samples, "floor", "ours", "sdk (official SDK)")

    assert [target.met for target in section.targets] == met
    assert section.targets[0].measured == f"{ours[1] / 10.0:.2f}×"
    assert section.targets[1].text == "ours cheaper than sdk (sequence median)"
    per_call_rows, cpu_rows = (rows for _headers, rows in section.tables)
    assert per_call_rows[1] == ["floor", "whole sequence", "10000.00", "30000.00", "1.00×"]
    assert cpu_rows[1] == ["ours", "2200.00", "1.10×"]
