"""A page against its floor view under load: the rounds, and the table both page benchmarks
(the settings page, the Codat connections page) report."""

from . import load
from .stats import median, ms, ratio, rounds, times

COLUMNS = [
    "Page",
    "bytes",
    "req/s",
    "ms per request",
    "÷ floor",
    "p50 ms",
    "p99 ms",
    "errors",
    "SQL queries",
]


def load_rounds(url, pages, cookies, rounds_count, seconds, clients):
    """``{name: [one load.run result per round]}``, the pages alternating in each round."""
    results = {name: [] for name in pages}
    for _index, order in rounds(list(pages), rounds_count):
        for name in order:
            results[name].append(load.run(url + pages[name], cookies, clients, seconds))
    return results


def time_per_request(results):
    """The median over rounds of 1 / throughput: the server's cost of one request."""
    return median([1 / r["rps"] for r in results])


def table(section, results, sizes, queries, floor="floor view"):
    """Add the page-against-floor table to ``section``; ``queries`` gives each page's count."""
    floor_time = time_per_request(results[floor])
    rows = []
    for name, found in results.items():
        service = time_per_request(found)
        rows.append(
            [
                name,
                f"{sizes[name]:,}",
                f"{median([r['rps'] for r in found]):.0f}",
                ms(service),
                times(ratio(service, floor_time)),
                ms(median([r["p50"] for r in found])),
                ms(median([r["p99"] for r in found])),
                sum(r["errors"] for r in found),
                queries[name],
            ]
        )
    section.table(COLUMNS, rows)


def ratio_to_floor(results, name, floor="floor view"):
    return ratio(time_per_request(results[name]), time_per_request(results[floor]))
