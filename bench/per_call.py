"""What the client benchmarks share: one sequence of calls timed call by call, the sequences of
every client interleaved in round-robin blocks, and the tables and targets of the report.

A client under test is any object with a ``name``; the benchmark's ``sequence(client, number)``
runs its calls once (``number`` is unique over the whole run, for fresh ids) and returns
``timed(...)``'s tuple: each call's wall time, the whole sequence's, then the process's CPU time.
"""

import itertools
import time

from .stats import median, ms, percentile, ratio, rounds, times

WARM_SEQUENCES = 5


def timed(*calls):
    """Run ``calls`` (no-argument callables) in order: (each call's seconds…, total, CPU)."""
    cpu = time.process_time()
    marks = [time.perf_counter()]
    for call in calls:
        call()
        marks.append(time.perf_counter())
    walls = tuple(after - before for before, after in itertools.pairwise(marks))
    return (*walls, marks[-1] - marks[0], time.process_time() - cpu)


def blocks(sequences, block):
    """Rounds of ``block`` sequences per client: at least one, at most ``sequences`` in all."""
    return max(1, sequences // block)


def sequence_count(clients, sequences, block, warm=WARM_SEQUENCES):
    """How many sequences ``sample`` runs in all (the numbers it hands out are 1..this)."""
    return len(clients) * (warm + blocks(sequences, block) * block)


def sample(clients, sequence, sequences, block, warm=WARM_SEQUENCES):
    """``{client name: [timings…]}``: ``warm`` untimed sequences per client first (connection
    pools, lazy imports), then ``block`` sequences of each client in turn, the first client of
    each round rotating so that none always runs right after a pause."""
    numbers = itertools.count(1)
    for client in clients:
        for _ in range(warm):
            sequence(client, next(numbers))
    samples = {client.name: [] for client in clients}
    for _index, order in rounds(list(clients), blocks(sequences, block)):
        for client in order:
            for _ in range(block):
                samples[client.name].append(sequence(client, next(numbers)))
    return samples


def report(section, calls, samples, floor, ours, rival):
    """The per-call table, the CPU table and the two targets (ours ≤ 1.1× the floor, ours
    cheaper than ``rival``) into ``section``; ``calls`` name the timed calls in order."""

    def column(name, position):
        return [timings[position] for timings in samples[name]]

    total, cpu = len(calls), len(calls) + 1
    rows = []
    for name in (floor, ours, rival):
        for position, call in enumerate((*calls, "whole sequence")):
            values = column(name, position)
            rows.append(
                [
                    name,
                    call,
                    ms(median(values)),
                    ms(percentile(values, 0.99)),
                    times(ratio(median(values), median(column(floor, position)))),
                ]
            )
    section.table(["Client", "Call", "median ms", "p99 ms", "median ÷ floor"], rows)
    cpu_medians = {name: median(column(name, cpu)) for name in (floor, ours, rival)}
    section.table(
        ["Client", "client CPU ms per sequence (median)", "÷ floor"],
        [
            [name, ms(value), times(ratio(value, cpu_medians[floor]))]
            for name, value in cpu_medians.items()
        ],
    )
    ours_ratio = ratio(median(column(ours, total)), median(column(floor, total)))
    rival_ratio = ratio(median(column(rival, total)), median(column(floor, total)))
    section.target("ours ≤ 1.1× the floor (sequence median)", times(ours_ratio), ours_ratio <= 1.1)
    section.target(
        f"ours cheaper than {rival.split(' (')[0]} (sequence median)",
        f"{times(ours_ratio)} vs {times(rival_ratio)}",
        ours_ratio < rival_ratio,
    )
    return ours_ratio, rival_ratio
