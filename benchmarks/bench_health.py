"""Live health at scale: one full refresh of the N-component synthetic catalog against the
loopback GCP emulator, with the real client libraries, next to a naive loop.

The emulator is seeded with a series for every (component, metric signal) the plan
contains (two for ratio signals: an OK and an error code) and log entries for the log
signals, so every request returns real data to map back.

Figures:
- RPCs of one full refresh (planner: one per (project, metric, aggregation) group plus one
  per log batch), against the naive one-call-per-signal count (goal: >= 20x fewer);
- wall time of one full refresh (goal < 2 s), best of R after a warm-up refresh;
- time to the first status (the first group's statuses reach the progress callback);
- naive loop wall time: the same client, one request per signal (metric and log), same
  concurrency bound, in the same run (with --quick: a random sample, scaled);
- planning time (pure: catalog -> SignalPlan).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

NAIVE_SAMPLE = 400  # --quick: naive requests actually sent
HISTORY = "-3m"  # points per series: enough for every window's newest point, cheap to serve


def _series_entries(signal_plan) -> list[dict]:
    """One [[series]] per metric signal of the plan (ratio: an OK and an error series)."""
    out = []
    for group in signal_plan.groups:
        k = group.key
        for spec in group.members:
            base = {
                "metric_type": k.metric_type,
                "resource_type": k.resource_type or "global",
                "project": k.project,
                "resource_labels": dict(spec.resource_labels),
                "history": HISTORY,
            }
            labels = dict(k.metric_labels)
            if k.ratio_label:
                ok_value = spec.ratio_bad[0] if spec.ratio_bad_mode == "exclude" and spec.ratio_bad else "2xx"
                bad_value = "UNAVAILABLE" if spec.ratio_bad_mode == "exclude" else (spec.ratio_bad or ("5xx",))[0]
                out.append({**base, "metric_labels": {**labels, k.ratio_label: ok_value}, "constant": 990})
                out.append({**base, "metric_labels": {**labels, k.ratio_label: bad_value}, "constant": 10})
            elif k.aligner in ("ALIGN_FRACTION_TRUE", "ALIGN_COUNT_TRUE"):  # healthy: 1 for "healthy", 0 for "in ERROR"
                healthy = 1 if k.aligner == "ALIGN_FRACTION_TRUE" else 0
                out.append({**base, "metric_labels": labels, "value_type": "bool", "constant": healthy})
            else:
                out.append({**base, "metric_labels": labels, "constant": _healthy(spec)})
    return out


def _healthy(spec) -> float:
    """A value on the good side of the signal's thresholds (a rate is counted per minute)."""
    limits = [x for x in (spec.warn, spec.crit) if x is not None]
    if spec.direction == "below":
        value = 2 * max(limits) + 1 if limits else 1
        return value * spec.alignment_period if spec.aligner in ("ALIGN_RATE",) else value
    return min(limits) / 2 if limits and min(limits) > 0 else 0


def _log_entries(signal_plan) -> list[dict]:
    """One entry per batched log signal member, carrying the fields its filter names."""
    out = []
    for batch in signal_plan.log_batches:
        from atlas.health import logshape

        common = logshape.parse(batch.filter) or []
        for key, spec in zip(batch.keys, batch.members):
            entry: dict = {"at": "-5m", "severity": "ERROR", "project": batch.project,
                           "resource_type": "global", "resource_labels": {}, "labels": {}, "json": {}}
            for term in common:
                _put(entry, term.field, term.literal)
            for field, value in zip(batch.varying, key):
                _put(entry, field, value)
            if not entry["json"]:
                entry["json"] = {"message": "synthetic"}
            out.append(entry)
    return out


def _put(entry: dict, field: str, value: str | None) -> None:
    if value is None:
        return
    if field == "resource.type":
        entry["resource_type"] = value
    elif field.startswith("resource.labels."):
        entry["resource_labels"][field.split(".", 2)[2]] = value
    elif field.startswith("labels."):
        entry["labels"][field.split(".", 1)[1]] = value
    elif field.startswith("jsonPayload."):
        node = entry["json"]
        path = field.split(".")[1:]
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value


# The emulator runs in its own interpreter, as it would on a real network: its Python work
# must not share the GIL with the client being measured. It answers "calls" and "reset" on
# stdin with its RPC counter, so call counts come from the server side.
_EMULATOR = r"""
import json, sys
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
with open(sys.argv[1]) as fh:
    emu = GcpEmulator(scenario_from_dict(json.load(fh)), max_workers=int(sys.argv[2]))
print(emu.start(), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "calls":
        print(json.dumps(dict(emu.calls)), flush=True)
    elif cmd == "reset":
        emu.calls.clear()
        print("{}", flush=True)
    elif cmd.startswith("latency "):  # every call waits this long first, many at once
        emu.clear_faults()
        if int(cmd.split()[1]):
            emu.inject_fault("*", "latency", ms=int(cmd.split()[1]))
        print("{}", flush=True)
emu.stop()
"""


LATENCY_MS = 250  # a realistic ListTimeSeries latency from a laptop to Google
EMULATOR_WORKERS = 256  # the emulator serves as many calls at once as the client sends


class EmulatorProcess:
    def __init__(self, scenario: dict, workdir: Path):
        path = workdir / "health-scenario.json"
        path.write_text(json.dumps(scenario))
        self.proc = subprocess.Popen([sys.executable, "-c", _EMULATOR, str(path), str(EMULATOR_WORKERS)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("the emulator process did not start")

    def _ask(self, cmd: str) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def calls(self) -> int:
        return sum(self._ask("calls").values())

    def reset(self) -> None:
        self._ask("reset")

    def latency(self, ms: int) -> None:
        self._ask(f"latency {ms}")

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _one_project(catalog):
    """A copy of the catalog with every component in one project."""
    from dataclasses import replace

    out = replace(catalog)
    out.components = {cid: replace(c, project="bench-one") for cid, c in catalog.components.items()}
    return out


def _unsplit_groups(signal_plan):
    """The plan's groups merged back by key (what one request per group would send)."""
    from atlas.health.planner import QueryGroup

    merged: dict = {}
    for g in signal_plan.groups:
        merged.setdefault(g.key, []).extend(g.members)
    return [QueryGroup(k, members) for k, members in merged.items()]


def run(ctx) -> None:
    from atlas.catalog.loader import load_catalog
    from atlas.health import logs
    from atlas.health.clients import make_clients
    from atlas.health.monitoring import fetch_group
    from atlas.health.planner import naive_requests, plan
    from atlas.health.service import HealthService

    catalog = load_catalog(ctx.workspace() / "catalog").catalog
    started = time.perf_counter()
    signal_plan = plan(catalog)
    plan_s = time.perf_counter() - started

    scenario = {
        "scenario": {"name": "bench", "project": "bench-prod", "history": HISTORY},
        "series": _series_entries(signal_plan),
        "log": _log_entries(signal_plan),
    }
    ctx.log(f"{signal_plan.signal_count} signals: {len(signal_plan.groups)} metric groups, "
            f"{len(signal_plan.log_batches)} log batches, {len(signal_plan.log_queries)} single log queries, "
            f"{len(scenario['series'])} series and {len(scenario['log'])} log entries seeded")

    emulator = EmulatorProcess(scenario, ctx.workdir)
    try:
        host = emulator.address
        clients = make_clients({"MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}, timeout=30.0)
        service = HealthService(catalog, clients=clients)  # the default concurrency, as users get it
        service.refresh()  # warm-up: Google imports, channel connect

        def measure(repeat: int):
            first_status: list[float] = []
            times: list[float] = []
            cpu: list[float] = []
            calls = 0
            snapshot = None
            for _ in range(repeat):
                emulator.reset()
                seen: list[float] = []
                mark, cpu_mark = time.perf_counter(), time.process_time()
                snapshot = service.refresh(
                    on_progress=lambda _batch, seen=seen, mark=mark: seen or seen.append(time.perf_counter() - mark))
                times.append(time.perf_counter() - mark)
                cpu.append(time.process_time() - cpu_mark)
                first_status.append(seen[0] if seen else float("nan"))
                calls = emulator.calls()
            return first_status, times, cpu, calls, snapshot

        first_status, times, cpu, calls, snapshot = measure(ctx.repeat)
        emulator.latency(LATENCY_MS)
        slow_first, slow_times, _, slow_calls, slow_snapshot = measure(max(1, min(ctx.repeat, 3)))
        emulator.latency(0)
        assert snapshot is not None and slow_snapshot is not None
        statuses: dict[str, int] = {}
        for c in snapshot.components.values():
            statuses[c.status.value] = statuses.get(c.status.value, 0) + 1
        ctx.log(f"refresh: {calls} calls seen by the emulator ({snapshot.calls} counted by atlas), "
                f"{len(snapshot.errors)} failed groups, component statuses {statuses}")
        for line in snapshot.errors[:3]:
            ctx.log(f"error: {line}")

        # The naive loop: one request per signal (metric and log), same client, retry,
        # timeout and concurrency bound. Measured in full; --quick measures a random sample
        # and scales it (the note says which).

        def one(item):
            kind, job = item
            if kind == "metric":
                fetch_group(clients.monitoring, job, now, retry=clients.retry, timeout=clients.timeout)
            elif job.type == "log":
                logs.count_entries(clients.logging, job.project, job.log_filter, now - job.window,
                                   retry=clients.retry, timeout=clients.timeout)
            else:
                logs.newest_entry(clients.logging, job.project, job.log_filter, now - job.lookback,
                                  retry=clients.retry, timeout=clients.timeout)

        naive_total = signal_plan.signal_count  # one request per signal, logs included
        work = [("metric", g) for g in naive_requests(signal_plan)]
        work += [("log", spec) for b in signal_plan.log_batches for spec in b.members]
        work += [("log", q.spec) for q in signal_plan.log_queries]
        if ctx.quick:
            work = random.Random(ctx.seed).sample(work, min(len(work), NAIVE_SAMPLE))
        now = time.time()
        emulator.reset()
        mark = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(one, work))
        loop_s = time.perf_counter() - mark
        naive_calls = emulator.calls()
        scale = naive_total / len(work)
        naive_s = loop_s * scale
        best = min(times)
        how = (f"{naive_calls:,} calls measured" if scale == 1 else
               f"{naive_calls} sampled calls in {loop_s:.2f} s, scaled x{scale:.1f}")
        naive_count = naive_calls if scale == 1 else naive_total
        ctx.figure("RPCs per full refresh (batched)", calls, "calls", floor=naive_count, max_ratio=1 / 20,
                   note=f"naive loop: {naive_count:,} calls, {naive_count / max(calls, 1):.0f}x more")
        ctx.figure("full refresh wall time", best, "s", max_value=2.0,
                   note=f"{len(snapshot.components):,} components, best of {len(times)}; "
                        f"atlas CPU {min(cpu):.2f} s of it; the emulator runs in its own process")
        ctx.figure("time to first status", min(first_status), "s")
        ctx.figure(f"full refresh wall time, {LATENCY_MS} ms per call", min(slow_times), "s", floor=best,
                   max_value=2.5,
                   note=f"{slow_calls} calls, {service.max_concurrency} in flight; {len(slow_snapshot.errors)} "
                        f"failed groups; the emulator serves up to {EMULATOR_WORKERS} at once")
        ctx.figure(f"time to first status, {LATENCY_MS} ms per call", min(slow_first), "s", max_value=0.5)
        ctx.figure("extra calls from splitting filters under 2,048 characters", signal_plan.split_extra, "calls",
                   note=f"{len(signal_plan.groups)} metric requests; longest filter "
                        f"{max(len(g.filter) for g in signal_plan.groups):,} characters")
        # the same 10,000 components in ONE project: the one_of() lists would reach tens of KB
        one = _one_project(catalog)
        one_plan = plan(one)
        unsplit = max(len(g.filter) for g in _unsplit_groups(one_plan))
        ctx.figure("extra calls from splitting, all in one project", one_plan.split_extra, "calls",
                   note=f"{len(one_plan.groups)} metric requests instead of {len(one_plan.groups) - one_plan.split_extra}; "
                        f"unsplit the longest filter would be {unsplit:,} characters")
        ctx.figure("planning (catalog -> SignalPlan, once)", plan_s, "s")

        ctx.figure("naive one-call-per-signal loop wall time", naive_s, "s", floor=best,
                   note=f"{how}; batched refresh is {naive_s / best:.0f}x faster")
        clients.close()
    finally:
        emulator.stop()
