"""Medians, percentiles and the round-robin order shared by the benchmarks."""

import statistics


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, fraction):
    """Nearest-rank percentile (``fraction`` in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ratio(value, reference):
    return value / reference if reference else float("nan")


def rounds(variants, count):
    """Each round runs every variant once, starting from a different one each time, so no
    variant always runs first (right after a pause) or last."""
    for index in range(count):
        shift = index % len(variants)
        yield index, variants[shift:] + variants[:shift]


def ms(seconds):
    return f"{seconds * 1000:.2f}"


def times(value):
    return f"{value:.2f}×"
