"""The scenario's `[kubeflow]` section -> recurring runs and runs, in the API's own JSON shape.

    [kubeflow]
    namespace = "kubeflow"
    [[kubeflow.recurring_run]]
    display_name = "ranker-training-nightly"
    cron = "0 0 3 * * *"                  # six fields, seconds first (the KFP scheduler's format)
    tasks = ["example-gen", "trainer", "pusher"]   # a chain, run in this order
    duration = "1h50m"                    # a usual run, split evenly over the tasks
    last = "-2h"                          # the newest run was created then ...
    every = "24h"                         # ... and the older ones this far apart
    count = 7
    status = "DISABLED"                   # default ENABLED; disabled_at = "-1d" says since when
    failed = [{ run = 1, task = "trainer", error = "OOMKilled" }]   # run 1 = the newest
    running = true                        # the newest run is unfinished (its last task hangs)

Everything is materialised once, relative to the emulator's clock when it starts. Pure: no
sockets. Field names and enums follow backend/api/v2beta1/{recurring_run,run}.proto of
github.com/kubeflow/pipelines; ids are stable uuid5s so tests can name them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from atlas.emulators.scenario.fields import ScenarioError, named_tables, only, parse_offset, string

_NS = uuid.UUID("6f2c1c7e-9d7a-4b8e-8a44-0c6f4a1f0b11")
RUN_STATES = ("PENDING", "RUNNING", "SUCCEEDED", "SKIPPED", "FAILED", "CANCELING", "CANCELED", "PAUSED")
MAX_RUNS = 400  # per recurring run: a scenario typo must not build millions of runs


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


@dataclass(slots=True)
class SeedTask:
    name: str
    start: float
    end: float | None  # None: still running
    state: str
    error: str = ""


@dataclass(slots=True)
class SeedRun:
    run_id: str
    display_name: str
    recurring_run_id: str
    namespace: str
    created: float
    finished: float | None
    state: str
    tasks: list[SeedTask] = field(default_factory=list)
    error: str = ""


@dataclass(slots=True)
class SeedRecurringRun:
    recurring_run_id: str
    display_name: str
    namespace: str
    cron: str
    created: float
    updated: float
    status: str  # ENABLED | DISABLED
    pipeline_id: str


@dataclass(slots=True)
class KfpSeed:
    namespace: str = "kubeflow"
    recurring_runs: list[SeedRecurringRun] = field(default_factory=list)
    runs: list[SeedRun] = field(default_factory=list)


def parse_seed(section: dict[str, Any] | None, now: float) -> KfpSeed:
    """Raises ScenarioError (one line naming the entry and field)."""
    seed = KfpSeed()
    if not section:
        return seed
    if not isinstance(section, dict):
        raise ScenarioError("[kubeflow]: must be a table")
    only(section, {"namespace", "recurring_run"}, "[kubeflow]")
    seed.namespace = string(section, "namespace", "[kubeflow]", default="kubeflow")
    allowed = {"display_name", "cron", "tasks", "duration", "last", "every", "count", "status",
               "disabled_at", "failed", "running", "pipeline"}
    for e, name, where in named_tables(section, "recurring_run", "kubeflow.recurring_run", allowed):
        _add(seed, e, name, where, now)
    return seed


def _add(seed: KfpSeed, e: dict, name: str, where: str, now: float) -> None:
    cron = string(e, "cron", where)
    if len(cron.split()) != 6:
        raise ScenarioError(f"{where} cron: {cron!r} needs six fields, seconds first (\"0 0 3 * * *\")")
    tasks = e.get("tasks", [])
    if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t for t in tasks):
        raise ScenarioError(f"{where} tasks: must be a non-empty list of task names")
    duration = parse_offset(e.get("duration", "1h"), f"{where} duration", relative=False)
    last = parse_offset(e.get("last", "-1h"), f"{where} last")
    every = parse_offset(e.get("every", "24h"), f"{where} every", relative=False)
    count = e.get("count", 7)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_RUNS:
        raise ScenarioError(f"{where} count: must be a whole number from 0 to {MAX_RUNS}")
    status = e.get("status", "ENABLED")
    if status not in ("ENABLED", "DISABLED"):
        raise ScenarioError(f"{where} status: {status!r} is not one of ENABLED, DISABLED")
    failures = parse_failures(e.get("failed", []), tasks, count, where)
    running = e.get("running", False)
    if not isinstance(running, bool):
        raise ScenarioError(f"{where} running: must be true or false")

    rr_id = stable_id(seed.namespace, name)
    first_created = now + last - every * max(count - 1, 0)
    created = first_created - 86400  # the recurring run existed before its first run
    updated = now + parse_offset(e["disabled_at"], f"{where} disabled_at") if "disabled_at" in e else created
    seed.recurring_runs.append(SeedRecurringRun(rr_id, name, seed.namespace, cron, created, updated, status,
                                                stable_id("pipeline", string(e, "pipeline", where, default=name))))
    step = duration / len(tasks)
    for n in range(count, 0, -1):  # n = 1 is the newest
        start = now + last - every * (n - 1)
        fail = failures.get(n)
        unfinished = running and n == 1
        run = SeedRun(stable_id(rr_id, str(n)), f"{name}-{int(start)}", rr_id, seed.namespace, start, None, "RUNNING")
        t = start
        for task in tasks:
            if unfinished and (t + step > now or task == tasks[-1]):  # in progress, or hung at the end
                run.tasks.append(SeedTask(task, t, None, "RUNNING"))
                break
            if fail and fail[0] == task:
                run.tasks.append(SeedTask(task, t, t + step * 0.6, "FAILED", fail[1]))
                run.state, run.finished = "FAILED", t + step * 0.6
                run.error = f"task {task} failed: {fail[1]}"
                break
            run.tasks.append(SeedTask(task, t, t + step, "SUCCEEDED"))
            t += step
        else:
            run.state, run.finished = "SUCCEEDED", t
        seed.runs.append(run)


def parse_failures(raw: Any, tasks: list[str], count: int, where: str) -> dict[int, tuple[str, str]]:
    if not isinstance(raw, list):
        raise ScenarioError(f"{where} failed: must be a list of {{ run = 1, task = \"...\", error = \"...\" }}")
    out = {}
    for j, f in enumerate(raw):
        w = f"{where} failed[{j}]"
        if not isinstance(f, dict):
            raise ScenarioError(f"{w}: must be a table")
        only(f, {"run", "task", "error"}, w)
        run = f.get("run")
        if not isinstance(run, int) or isinstance(run, bool) or not 1 <= run <= max(count, 1):
            raise ScenarioError(f"{w} run: must be 1 (the newest) .. {count}")
        task = string(f, "task", w)
        if task not in tasks:
            raise ScenarioError(f"{w} task: {task!r} is not one of the tasks ({', '.join(tasks)})")
        out[run] = (task, string(f, "error", w, default="Error"))
    return out
