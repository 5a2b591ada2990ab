"""4. Bulk sync: ``manage.py conductor_sync_end_users`` over many existing users."""

import os
import subprocess
import sys
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from conductor_django.models import EndUserClaim
from conductor_django.provisioning import provisioning_disabled
from conductor_django.sandbox import control

from .report import Section
from .server import ROOT
from .stats import ratio, times

PREFIX = "bulk-"
SETUP_ONLY = "import django; django.setup()"
LOAD_ALL = (
    "import django; django.setup(); from django.contrib.auth import get_user_model; "
    "users = list(get_user_model().objects.filter(conductor_end_user_id__isnull=True))"
)


def _create_users(count):
    model = get_user_model()
    # Only the bulk users lack an end-user, so the command's work is exactly `count` rows.
    model.objects.exclude(username__startswith=PREFIX).delete()
    model.objects.filter(username__startswith=PREFIX).delete()
    password = make_password(None)
    with provisioning_disabled():
        model.objects.bulk_create(
            (
                model(
                    username=f"{PREFIX}{i}",
                    email=f"{PREFIX}{i}@example.com",
                    company_name=f"Bulk Company {i}",
                    password=password,
                )
                for i in range(count)
            ),
            batch_size=1000,
        )


def _child(args, env, log_path):
    """Run a Python child; its wall time, CPU time (wait4) and peak RSS in MiB (``peak``)."""
    peak_file = log_path.with_suffix(".peak")
    with open(log_path, "ab") as log:
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.peak", str(peak_file), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(args)} exited {process.returncode}:\n{tail}")
    return elapsed, usage.ru_utime + usage.ru_stime, int(peak_file.read_text()) / 1024


def _sync(ctx, users, concurrency, log_path, latency_ms=0):
    model = get_user_model()
    model.objects.filter(username__startswith=PREFIX).update(conductor_end_user_id=None)
    EndUserClaim.objects.all().delete()
    control.reset()
    if latency_ms:
        control.set_faults(latency_ms=latency_ms)
    elapsed, cpu, peak = _child(
        ["manage.py", "conductor_sync_end_users", "--concurrency", str(concurrency)],
        ctx.env,
        log_path,
    )
    control.clear_faults()
    created = control.request_count("POST", "/end-users")
    missing = model.objects.filter(conductor_end_user_id__isnull=True).count()
    if created != users or missing:
        raise RuntimeError(f"Sync created {created} end-users, {missing} users left without.")
    return elapsed, cpu, peak


def run(ctx, users, concurrencies, latency_users=300, latency_ms=50):
    log_path = ctx.workdir / "bulk_sync.log"
    _create_users(latency_users)
    latency_rows = []
    for concurrency in concurrencies:
        elapsed = _sync(ctx, latency_users, concurrency, log_path, latency_ms)[0]
        latency_rows.append([concurrency, f"{elapsed:.1f}", f"{latency_users / elapsed:.0f}"])

    began = time.perf_counter()
    _create_users(users)
    created_in = time.perf_counter() - began
    dry_run = _child(["manage.py", "conductor_sync_end_users", "--dry-run"], ctx.env, log_path)
    bare = _child(["-c", SETUP_ONLY], ctx.env, log_path)[2]
    load_all = _child(["-c", LOAD_ALL], ctx.env, log_path)[2]
    baseline = dry_run[2]
    rows, throughput = [], {}
    for concurrency in concurrencies:
        elapsed, cpu, peak = _sync(ctx, users, concurrency, log_path)
        throughput[concurrency] = users / elapsed
        rows.append(
            [
                concurrency,
                f"{elapsed:.1f}",
                f"{users / elapsed:.0f}",
                f"{cpu / users * 1000:.2f}",
                f"{peak:.0f}",
                f"{peak - baseline:+.0f}",
            ]
        )
    section = Section(
        "Bulk sync",
        f"`python manage.py conductor_sync_end_users --concurrency N` over {users:,} existing "
        f"users without an end-user (created with `bulk_create` inside `provisioning_disabled()` "
        f"in {created_in:.1f} s), each run from a reset sandbox, as a child process whose peak "
        f"RSS is its own `VmHWM`. Every run created exactly {users:,} end-users (counted by the "
        f"sandbox). The server creating the end-users shares the machine's 2 cores with the "
        f"command.",
    )
    section.table(
        [
            "concurrency",
            "seconds",
            "end-users/s",
            "command CPU ms per user",
            "peak RSS MiB",
            "vs --dry-run",
        ],
        rows,
    )
    section.table(
        [
            f"concurrency, {latency_ms} ms added to every API call, {latency_users} users",
            "seconds",
            "end-users/s",
        ],
        latency_rows,
    )
    section.table(
        ["Reference process", "peak RSS MiB"],
        [
            ["`conductor_sync_end_users --dry-run` (rows only counted)", f"{baseline:.0f}"],
            ["`django.setup()` alone", f"{bare:.0f}"],
            [f"`django.setup()`, then the {users:,} users in one list", f"{load_all:.0f}"],
        ],
    )
    low, high = min(concurrencies), max(concurrencies)
    section.notes.append(
        f"Against the local sandbox, concurrency {high} gives "
        f"{times(ratio(throughput[high], throughput[low]))} the throughput of {low}: both "
        f"processes are CPU-bound Python (the command spends the CPU per user above on its "
        f"queries, lease and HTTP client; the one-process server about as much again), so on "
        f"this 2-core machine they fill the cores at any concurrency, and more threads add "
        f"GIL and SQLite-lock contention (CPU per user rises). Against Conductor's real round "
        f"trip the wait dominates instead, which the second table imitates with the sandbox's "
        f"added latency: there concurrency scales as intended."
    )
    section.notes.append(
        f"Streaming: the sync's peak stays within {max(0, max_delta(rows)):.0f} MiB of the "
        f"--dry-run baseline, while holding the {users:,} rows at once costs "
        f"{load_all - bare:.0f} MiB over a bare `django.setup()`, growing with the table. "
        f"At {users:,} rows (~1 KiB each) the two are of the same order; what the sync adds "
        f"grows with concurrency (threads, database connections, the bounded window of "
        f"pending rows), while rows are read in chunks of 500."
    )
    return section


def max_delta(rows):
    return max(float(row[5]) for row in rows)
