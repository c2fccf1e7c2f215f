"""The scenario's `[vertex]` section -> Vertex AI schedules and pipeline jobs (pure: no sockets).

    [vertex]
    project = "ml-prod"              # default: the scenario's project
    project_number = "204481532208"  # resource names carry the number (default: derived)
    location = "us-central1"         # the one region this emulator serves
    [[vertex.schedule]]
    display_name = "ranker-training-nightly"
    cron = "TZ=UTC 0 3 * * *"        # five fields, optional TZ= / CRON_TZ= prefix (schedule.proto)
    pipeline = "ranker-training"     # pipelineSpec.pipelineInfo.name, the root DAG task's name
    tasks = ["example-gen", "trainer", "pusher"]   # a chain, run in this order
    duration = "1h"                  # a usual run, split evenly over the tasks
    last = "-2h"                     # the newest job was created then ...
    every = "24h"                    # ... and the older ones this far apart
    count = 7
    state = "PAUSED"                 # ACTIVE (default) | PAUSED | COMPLETED; paused_at = "-5h"
    failed = [{ run = 1, task = "trainer", error = "OOMKilled" }]   # run 1 = the newest
    running = true                   # the newest job is unfinished (its last task hangs)

Materialised once, relative to the emulator's clock when it starts. Ids are stable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from atlas.emulators.kfp.seed import SeedTask  # a step of a run; state: PipelineTaskDetail.State here
from atlas.emulators.kfp.seed import parse_failures as _failures  # the same [[...]] failed = [...] grammar
from atlas.emulators.scenario.fields import ScenarioError, named_tables, only, parse_offset, string

SCHEDULE_STATES = ("ACTIVE", "PAUSED", "COMPLETED")  # Schedule.State, schedule.proto
MAX_RUNS = 400  # per schedule: a typo must not build millions of jobs


def stable_number(*parts: str, digits: int = 12) -> str:
    """A stable decimal id (Vertex job, schedule and task ids and project numbers are numbers)."""
    n = int(hashlib.sha256("/".join(parts).encode()).hexdigest(), 16)
    return str(10 ** (digits - 1) + n % (9 * 10 ** (digits - 1)))


@dataclass(slots=True)
class SeedJob:
    job_id: str
    display_name: str
    schedule_id: str
    pipeline: str
    created: float
    finished: float | None
    state: str  # PipelineState without the PIPELINE_STATE_ prefix
    tasks: list[SeedTask] = field(default_factory=list)


@dataclass(slots=True)
class SeedSchedule:
    schedule_id: str
    display_name: str
    pipeline: str
    cron: str
    created: float
    updated: float
    state: str
    paused_at: float | None
    started: int  # startedRunCount


@dataclass(slots=True)
class VertexSeed:
    project: str = "demo-project"
    project_number: str = ""
    location: str = "us-central1"
    schedules: list[SeedSchedule] = field(default_factory=list)
    jobs: list[SeedJob] = field(default_factory=list)


def parse_seed(section: dict[str, Any] | None, now: float, *, project: str = "demo-project") -> VertexSeed:
    """Raises ScenarioError (one line naming the entry and field)."""
    seed = VertexSeed(project=project)
    if section:
        if not isinstance(section, dict):
            raise ScenarioError("[vertex]: must be a table")
        only(section, {"project", "project_number", "location", "schedule"}, "[vertex]")
        seed.project = string(section, "project", "[vertex]", default=project)
        seed.location = string(section, "location", "[vertex]", default="us-central1")
        seed.project_number = string(section, "project_number", "[vertex]", default="")
        if seed.project_number and not seed.project_number.isdigit():
            raise ScenarioError("[vertex] project_number: must be digits")
    seed.project_number = seed.project_number or stable_number("project", seed.project)
    allowed = {"display_name", "cron", "pipeline", "tasks", "duration", "last", "every", "count", "state",
               "paused_at", "failed", "running"}
    for e, name, where in named_tables(section or {}, "schedule", "vertex.schedule", allowed):
        _add(seed, e, name, where, now)
    return seed


def _add(seed: VertexSeed, e: dict, name: str, where: str, now: float) -> None:
    cron = string(e, "cron", where)
    fields = cron.split()
    if fields and fields[0].startswith(("TZ=", "CRON_TZ=")):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:  # "may only be a valid string from IANA time zone database" (schedule.proto)
            ZoneInfo(fields[0].split("=", 1)[1])
        except (ZoneInfoNotFoundError, ValueError):
            raise ScenarioError(f"{where} cron: {fields[0]!r} is not an IANA time zone") from None
        fields = fields[1:]
    if len(fields) != 5:
        raise ScenarioError(f"{where} cron: {cron!r} needs five fields, optionally after TZ=... (\"TZ=UTC 0 3 * * *\")")
    tasks = e.get("tasks", [])
    if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t for t in tasks):
        raise ScenarioError(f"{where} tasks: must be a non-empty list of task names")
    pipeline = string(e, "pipeline", where, default=name)
    duration = parse_offset(e.get("duration", "1h"), f"{where} duration", relative=False)
    last = parse_offset(e.get("last", "-1h"), f"{where} last")
    every = parse_offset(e.get("every", "24h"), f"{where} every", relative=False)
    count = e.get("count", 7)
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_RUNS:
        raise ScenarioError(f"{where} count: must be a whole number from 0 to {MAX_RUNS}")
    state = e.get("state", "ACTIVE")
    if state not in SCHEDULE_STATES:
        raise ScenarioError(f"{where} state: {state!r} is not one of {', '.join(SCHEDULE_STATES)}")
    failures = _failures(e.get("failed", []), tasks, count, where)
    running = e.get("running", False)
    if not isinstance(running, bool):
        raise ScenarioError(f"{where} running: must be true or false")

    sid = stable_number(seed.project, seed.location, "schedule", name, digits=19)
    created = now + last - every * max(count - 1, 0) - 86400  # the schedule predates its first job
    paused_at = now + parse_offset(e["paused_at"], f"{where} paused_at") if "paused_at" in e else None
    if state == "PAUSED" and paused_at is None:
        paused_at = created
    updated = paused_at if paused_at is not None else created
    seed.schedules.append(SeedSchedule(sid, name, pipeline, cron, created, updated, state, paused_at, count))
    step = duration / len(tasks)
    for n in range(count, 0, -1):  # n = 1 is the newest
        start = now + last - every * (n - 1)
        fail = failures.get(n)
        unfinished = running and n == 1
        job = SeedJob(stable_number(sid, str(n), digits=19), f"{pipeline}-{_stamp(start)}", sid, pipeline,
                      start, None, "RUNNING")
        t = start
        for task in tasks:
            if unfinished and (t + step > now or task == tasks[-1]):
                job.tasks.append(SeedTask(task, t, None, "RUNNING"))
                break
            if fail and fail[0] == task:
                job.tasks.append(SeedTask(task, t, t + step * 0.6, "FAILED", fail[1]))
                job.state, job.finished = "FAILED", t + step * 0.6
                break
            job.tasks.append(SeedTask(task, t, t + step, "SUCCEEDED"))
            t += step
        else:
            job.state, job.finished = "SUCCEEDED", t
        seed.jobs.append(job)


def _stamp(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y%m%d%H%M%S")
