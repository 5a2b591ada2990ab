"""``python -m bench``: start the benchmark server, run every benchmark, write the report.

The server is gunicorn (gthread: one process, many threads) serving the example project with the
sandbox, on a free port of 127.0.0.1, on a fresh database that is thrown away afterwards.
"""

import argparse
import os
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .server import ROOT, THREADS, Server, free_port, redis_url, reset_postgres_database

BENCHMARKS = (
    "client",
    "settings",
    "signup",
    "bulk",
    "stampede",
    "codat_page",
    "codat_client",
    "webhooks",
    "slow",
)


@dataclass
class Context:
    url: str
    api: str
    secret: str
    publishable: str
    codat_api: str
    codat_key: str
    env: dict
    workdir: Path


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds each")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--sequences", type=int, help="client sequences per client, Conductor's and Codat's (300)"
    )
    parser.add_argument(
        "--load-rounds", type=int, help="settings and Codat page rounds per page (5)"
    )
    parser.add_argument("--load-seconds", type=int, help="seconds per load round (4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent load clients (8)")
    parser.add_argument("--signups", type=int, help="sign-ups per variant (200)")
    parser.add_argument("--bulk-users", type=int, help="users for the bulk sync (10000)")
    parser.add_argument("--concurrency", default="1,4,16", help="bulk sync levels (1,4,16)")
    parser.add_argument(
        "--latency-users", type=int, help="users for the bulk sync with added latency (300)"
    )
    parser.add_argument("--latency-ms", type=int, default=50, help="added API latency (50)")
    parser.add_argument("--stampede-rounds", type=int, help="stampede rounds (3)")
    parser.add_argument("--stampede-clients", type=int, default=50)
    parser.add_argument("--slow-seconds", type=float, default=1.0)
    parser.add_argument("--webhook-rounds", type=int, help="webhook intake rounds (7)")
    parser.add_argument("--webhook-block", type=int, help="deliveries per intake block (400)")
    parser.add_argument("--ttfb-samples", type=int, help="TTFB samples per check latency (20)")
    parser.add_argument("--chromium-repeats", type=int, help="chromium opens per check latency (3)")
    parser.add_argument("--busy-users", type=int, default=50, help="users with slow checks (50)")
    parser.add_argument(
        "--check-workers", type=int, default=4, help="task workers running their checks (4)"
    )
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"subset of {','.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--output", help="report path (default docs/benchmarks.md; --quick prints to stdout)"
    )
    args = parser.parse_args(argv)
    full = {
        "sequences": 300,
        "load_rounds": 5,
        "load_seconds": 4,
        "signups": 200,
        "bulk_users": 10_000,
        "latency_users": 300,
        "stampede_rounds": 3,
        "webhook_rounds": 7,
        "webhook_block": 400,
        "ttfb_samples": 20,
        "chromium_repeats": 3,
    }
    quick = {
        "sequences": 30,
        "load_rounds": 2,
        "load_seconds": 1,
        "signups": 20,
        "bulk_users": 500,
        "latency_users": 60,
        "stampede_rounds": 1,
        "webhook_rounds": 2,
        "webhook_block": 100,
        "ttfb_samples": 5,
        "chromium_repeats": 1,
    }
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    args.concurrency = [int(level) for level in args.concurrency.split(",")]
    if args.output is None and not args.quick:
        args.output = str(ROOT / "docs" / "benchmarks.md")
    return args


def _environment(args, workdir, port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_PORT": str(port),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "BENCH_DB": args.db,
        # The server shares its cache with this process (which records the statuses the pages
        # show) and with the rig's workers, as a deployment with workers must.
        "BENCH_CACHE_URL": redis_url(),
    }
    if args.db == "postgres":
        env["BENCH_PG_NAME"] = "conductor_bench"
        reset_postgres_database(env["BENCH_PG_NAME"])
        reset_postgres_database(env["BENCH_PG_NAME"] + "_sandbox")
    else:
        env["BENCH_DB_PATH"] = str(workdir / "bench.sqlite3")
    return env


def _database_description(args):
    from django.db import connection

    if args.db == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return (
                f"PostgreSQL {cursor.fetchone()[0]} on 127.0.0.1 (the sandbox in a second "
                "database, as Conductor keeps its own storage)"
            )
    import sqlite3

    return (
        f"SQLite {sqlite3.sqlite_version}, file, WAL (the sandbox on a second file, "
        "as Conductor keeps its own storage)"
    )


def _header(args, machine, argv):
    from . import load

    command = "python -m bench" + ("" if not argv else " " + shlex.join(argv))
    rows = [
        ("Date", machine["date"]),
        ("CPU", machine["cpu"]),
        ("Cores", machine["cores"]),
        ("Memory", machine["memory"]),
        ("OS", machine["os"]),
        ("Python", machine["python"]),
        ("Database", machine["database"]),
        (
            "Server",
            f"gunicorn gthread, 1 worker process × {THREADS} threads, 127.0.0.1, DEBUG off, "
            "Redis cache (RedisCache, on 127.0.0.1)",
        ),
        ("Load generator", machine["wrk"] if load.generator() == "wrk" else "Python threads"),
        *((name, version) for name, version in machine["packages"].items()),
    ]
    table = "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
    return (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench`; `python -m bench --help` for the knobs); "
        "do not edit by hand. Every benchmark runs against the offline sandbox served by a "
        "real multi-threaded WSGI server on 127.0.0.1, started and stopped by the command. "
        "Compared variants run interleaved in one run (round-robin blocks, the starting variant "
        "rotating), and the figures are medians and ratios: this machine is shared and noisy, "
        "so absolute times move between runs while ratios hold. Benchmarks are not tests; no "
        "timing is asserted anywhere in the test suite.\n\n"
        f"This run: `{command}`.\n\n{table}\n"
    )


def _summary(sections):
    lines = ["## Targets at a glance", "", "| # | Target | Measured | Met |", "|---|---|---|---|"]
    for number, section in sections:
        for target in section.targets:
            met = "yes" if target.met else "**no**"
            lines.append(f"| {number} | {target.text} | {target.measured} | {met} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="conductor-bench-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        env = _environment(args, workdir, port)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from . import (
            bulk_sync,
            client_cost,
            codat_client_cost,
            codat_page,
            machine,
            report,
            settings_page,
            signup,
            slow_checks,
            stampede,
            webhook_intake,
        )

        for database in settings.DATABASES:
            call_command("migrate", database=database, verbosity=0, interactive=False)
        ctx = Context(
            url=f"http://127.0.0.1:{port}",
            api=settings.CONDUCTOR["API_BASE_URL"],
            secret=settings.CONDUCTOR["SECRET_KEY"],
            publishable=settings.CONDUCTOR["PUBLISHABLE_KEY"],
            codat_api=settings.CODAT["API_BASE_URL"],
            codat_key=settings.CODAT["API_KEY"],
            env=env,
            workdir=workdir,
        )
        description = machine.describe(_database_description(args))
        plan = [
            (1, "client", lambda: client_cost.run(ctx, args.sequences)),
            (
                2,
                "settings",
                lambda: settings_page.run(ctx, args.load_rounds, args.load_seconds, args.clients),
            ),
            (3, "signup", lambda: signup.run(ctx, args.signups)),
            (
                8,
                "codat_page",
                lambda: codat_page.run(ctx, args.load_rounds, args.load_seconds, args.clients),
            ),
            (9, "codat_client", lambda: codat_client_cost.run(ctx, args.sequences)),
            # Before the bulk sync, which deletes every other user and resets the sandbox.
            (
                5,
                "stampede",
                lambda: stampede.run(
                    ctx, args.stampede_rounds, args.stampede_clients, args.slow_seconds
                ),
            ),
            # 6 and 7 on the health-check rig; before the bulk sync, as the stampede.
            (6, "slow", lambda: slow_checks.run(ctx, args)),
            (
                10,
                "webhooks",
                lambda: webhook_intake.run(
                    ctx, args.webhook_rounds, args.webhook_block, args.clients
                ),
            ),
            # Last: it deletes every other user and resets the sandbox.
            (
                4,
                "bulk",
                lambda: bulk_sync.run(
                    ctx, args.bulk_users, args.concurrency, args.latency_users, args.latency_ms
                ),
            ),
        ]
        sections = []
        server_log = workdir / "server.log"
        with Server(port, env, server_log):
            for number, name, benchmark in plan:
                if name not in args.only:
                    continue
                began = time.monotonic()
                print(f"[bench] {number}. {name} …", file=sys.stderr, flush=True)
                result = benchmark()
                # A benchmark hands back one section, or several (numbered) at once.
                sections.extend(result if isinstance(result, list) else [(number, result)])
                print(
                    f"[bench] {number}. {name} done in {time.monotonic() - began:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
        sections.sort(key=lambda item: item[0])
        text = report.render(_header(args, description, argv) + "\n" + _summary(sections), sections)
        text += f"\nWhole run: {time.monotonic() - started:.0f} s.\n"
        errors = server_log.read_text(errors="replace") if server_log.exists() else ""
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
        print(f"[bench] wrote {args.output}", file=sys.stderr)
    else:
        print(text)
    if errors.strip():
        print(f"[bench] server log:\n{errors[-3000:]}", file=sys.stderr)
    return 0
