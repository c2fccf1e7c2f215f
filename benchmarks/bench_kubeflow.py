"""Kubeflow at scale: the N-component synthetic catalog with its recurring runs, pipeline
steps and models read from the KFP API emulator (its own process) by the Kubeflow reader,
inside a full health refresh (the GCP emulator answers the rest, as in bench_health).

The synthetic catalog's log-based Kubeflow signals are swapped for the catalog's pipeline_*
signals in memory (the generator is left alone); every recurring run gets a week of nightly
runs, one in ten failed at its trainer.

Figures:
- Kubeflow calls, first refresh (pages of 200 + one GetRun per failed run) and every later
  refresh (one incremental list), against a per-recurring-run loop (GetRecurringRun + its
  runs + GetRun per failure: computed, 2 x R + F);
- full health refresh wall time with the Kubeflow reader (best of R, after the first);
- the Kubeflow reader alone: first read and a later read.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench_health import HISTORY, EmulatorProcess, _log_entries, _series_entries

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the tests' Kubeflow signal templates are reused as inputs
    sys.path.insert(0, str(ROOT))

STEPS = ["example-gen", "statistics-gen", "data-validation", "transform", "trainer", "evaluator",
         "infra-validator", "pusher"]

_KFP = r"""
import json, sys
from atlas.emulators.kfp import KfpEmulator
with open(sys.argv[1]) as fh:
    emu = KfpEmulator(json.load(fh))
print(emu.start(), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "calls":
        print(len(emu.requests), flush=True)
    elif cmd == "reset":
        emu.requests.clear()
        print(0, flush=True)
emu.stop()
"""


class KfpProcess:
    def __init__(self, seed: dict, workdir: Path):
        path = workdir / "kfp-seed.json"
        path.write_text(json.dumps(seed))
        self.proc = subprocess.Popen([sys.executable, "-c", _KFP, str(path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.endpoint = self.proc.stdout.readline().strip()
        if not self.endpoint:
            raise RuntimeError("the KFP emulator process did not start")

    def ask(self, cmd: str) -> int:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _kubeflow_catalog(catalog):
    """Swap the synthetic log-based Kubeflow signals for the pipeline_* ones, and label each
    recurring run, step and model with the deployment and its recurring run."""
    from atlas.catalog.model import KubeflowDeployment

    from tests.kubeflow.product import signals  # the same API-backed templates the tests use

    kinds = {"kubeflow_recurring_run", "pipeline_component", "model"}
    catalog.signals = {k: s for k, s in catalog.signals.items() if not kinds & set(s.kinds)}
    for t in signals():
        catalog.signals[t.id] = t
    catalog.kubeflow = {"kfp-bench": KubeflowDeployment("kfp-bench", host="https://kfp.invalid", namespace="kubeflow")}
    comps = catalog.components

    def head(cid: str, seen=None) -> str:
        seen = seen or set()
        for dep in comps[cid].depends_on:
            if dep in comps and dep not in seen:
                seen.add(dep)
                if comps[dep].kind == "kubeflow_recurring_run":
                    return dep
                found = head(dep, seen) if comps[dep].kind == "pipeline_component" else ""
                if found:
                    return found
        return ""

    runs = []
    for c in comps.values():
        if c.kind == "kubeflow_recurring_run":
            c.labels = {**c.labels, "kubeflow": "kfp-bench", "recurring_run": c.id}
            runs.append(c.id)
        elif c.kind in ("pipeline_component", "model"):
            rr = head(c.id)
            if rr:
                extra = {"push_task": "pusher"} if c.kind == "model" else {}
                c.labels = {**c.labels, "kubeflow": "kfp-bench", "recurring_run": rr, **extra}
    return sorted(runs)


def run(ctx) -> None:
    from atlas.catalog.loader import load_catalog
    from atlas.health.clients import make_clients
    from atlas.health.planner import plan
    from atlas.health.service import HealthService
    from atlas.kubeflow.reader import make_reader

    catalog = load_catalog(ctx.workspace() / "catalog").catalog
    recurring = _kubeflow_catalog(catalog)
    signal_plan = plan(catalog)
    kf_specs = [s for specs in signal_plan.kubeflow.values() for s in specs]
    failed = recurring[::10]
    seed = {"namespace": "kubeflow", "recurring_run": [
        {"display_name": name, "cron": "0 0 3 * * *", "tasks": STEPS, "duration": "1h50m",
         "last": f"-{1 + i % 20}h", "every": "24h", "count": 7,
         **({"failed": [{"run": 1, "task": "trainer", "error": "OOMKilled"}]} if name in failed else {})}
        for i, name in enumerate(recurring)]}
    ctx.log(f"{len(recurring)} recurring runs ({len(failed)} failed last night), {len(recurring) * 7} runs, "
            f"{len(kf_specs)} Kubeflow signals on {len({s.component for s in kf_specs})} components")

    scenario = {"scenario": {"name": "bench", "project": "bench-prod", "history": HISTORY},
                "series": _series_entries(signal_plan), "log": _log_entries(signal_plan)}
    gcp = EmulatorProcess(scenario, ctx.workdir)
    kfp = KfpProcess(seed, ctx.workdir)
    try:
        env = {"MONITORING_EMULATOR_HOST": gcp.address, "LOGGING_EMULATOR_HOST": gcp.address,
               "KF_PIPELINES_ENDPOINT": kfp.endpoint}
        clients = make_clients(env, timeout=30.0)
        service = HealthService(catalog, clients=clients, max_concurrency=8,
                                kubeflow_factory=lambda: make_reader(catalog, env))
        kfp.ask("reset")
        mark = time.perf_counter()
        first = service.refresh()
        first_s = time.perf_counter() - mark
        first_calls = kfp.ask("calls")
        times, later_calls = [], []
        for _ in range(ctx.repeat):
            kfp.ask("reset")
            mark = time.perf_counter()
            snap = service.refresh()
            times.append(time.perf_counter() - mark)
            later_calls.append(kfp.ask("calls"))
        kf_status: dict[str, int] = {}
        for s in kf_specs:
            st = next(x for x in snap.components[s.component].signals if x.name == s.id).status.value
            kf_status[st] = kf_status.get(st, 0) + 1
        ctx.log(f"Kubeflow signal statuses {kf_status}; errors: {[e for e in snap.errors if 'Kubeflow' in e][:2]}")

        reader = make_reader(catalog, env)
        specs = signal_plan.kubeflow["kfp-bench"]
        now = time.time()
        mark = time.perf_counter()
        reader.read("kfp-bench", specs, now)
        read_first = time.perf_counter() - mark
        mark = time.perf_counter()
        reader.read("kfp-bench", specs, now + 30)
        read_later = time.perf_counter() - mark
        reader.close()

        naive = 2 * len(recurring) + len(failed)
        ctx.figure("Kubeflow calls, first refresh", first_calls, "calls", floor=naive, max_ratio=1 / 5,
                   note=f"pages of 200 + {len(failed)} GetRun; a per-recurring-run loop: {naive} (computed)")
        ctx.figure("Kubeflow calls, later refreshes", max(later_calls), "calls", max_value=2,
                   note="goal: at most one, the list of runs created since the last refresh")
        ctx.figure("full refresh wall time with the Kubeflow reader", min(times), "s", max_value=2.0,
                   note=f"{len(snap.components):,} components, best of {len(times)}; first refresh {first_s:.2f} s "
                        f"({first.calls} calls in all)")
        ctx.figure("Kubeflow reader alone, first read", read_first, "s",
                   note=f"{len(recurring) * 7} runs with task details parsed")
        ctx.figure("Kubeflow reader alone, later read", read_later, "s")
        clients.close()
        service.close()
    finally:
        kfp.stop()
        gcp.stop()
