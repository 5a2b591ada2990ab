"""A load generator: Debian's ``wrk`` when it is on PATH, else a pool of Python threads with
keep-alive sessions (which spends CPU of the same two cores the server runs on, so its absolute
figures are lower; the ratios still compare like with like)."""

import json
import shutil
import subprocess
import tempfile
import threading
import time

import requests

from .stats import median, percentile

WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_s": %f, "non_2xx_3xx": %d, "socket_errors": %d, '
    .. '"p50_s": %f, "p99_s": %f, "mean_s": %f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e6, latency:percentile(99) / 1e6, latency.mean / 1e6))
end
"""


def generator():
    return "wrk" if shutil.which("wrk") else "python"


def run(url, cookies, clients, seconds):
    """Load ``url`` with ``clients`` concurrent keep-alive connections for ``seconds``."""
    if generator() == "wrk":
        return _wrk(url, cookies, clients, seconds)
    return _threads(url, cookies, clients, seconds)


def _wrk(url, cookies, clients, seconds):
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_REPORT)
        script.flush()
        result = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{clients}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-H",
                f"Cookie: {cookie}",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
    data = json.loads(line)
    return {
        "requests": data["requests"],
        "rps": data["requests"] / data["duration_s"],
        "p50": data["p50_s"],
        "p99": data["p99_s"],
        "errors": data["non_2xx_3xx"] + data["socket_errors"],
    }


def _threads(url, cookies, clients, seconds):
    latencies, errors = [], [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client():
        session = requests.Session()
        session.cookies.update(cookies)
        mine, failed = [], 0
        start.wait()
        deadline = time.perf_counter() + seconds
        while (began := time.perf_counter()) < deadline:
            response = session.get(url, allow_redirects=False)
            mine.append(time.perf_counter() - began)
            failed += response.status_code >= 400
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": median(latencies),
        "p99": percentile(latencies, 0.99),
        "errors": errors[0],
    }
