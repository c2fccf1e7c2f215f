"""Recurring runs, runs and their tasks, as atlas reads them from either backend.

The KFP API and Vertex AI Pipelines name things differently (recurring run / schedule, run /
pipeline job); the readers translate into these. Pure data: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

# KFP's RuntimeState (backend/api/v2beta1/run.proto); Vertex states are mapped onto it.
FINISHED = frozenset({"SUCCEEDED", "SKIPPED", "FAILED", "CANCELED"})
UNFINISHED = frozenset({"PENDING", "RUNNING", "CANCELING", "PAUSED"})


@dataclass(frozen=True, slots=True)
class TaskRun:
    name: str  # the task's display name in the pipeline ("trainer")
    state: str
    start: float | None = None
    end: float | None = None  # None while unfinished
    error: str = ""  # the task's error message, "" when none


@dataclass(slots=True)
class PipelineRun:
    run_id: str
    display_name: str
    recurring_run_id: str  # "" for a run started by hand
    state: str
    created: float
    finished: float | None = None  # None while unfinished (KFP writes 1970-01-01T00:00:00Z)
    tasks: tuple[TaskRun, ...] = ()
    error: str = ""
    detailed: bool = False  # read with the detail call (GetRun / GetPipelineJob)

    @property
    def duration(self) -> float | None:
        return None if self.finished is None else max(0.0, self.finished - self.created)

    def failed_tasks(self) -> list[TaskRun]:
        return [t for t in self.tasks if t.state == "FAILED"]

    def task(self, name: str) -> TaskRun | None:
        for t in self.tasks:
            if t.name == name:
                return t
        return None

    def to_json(self) -> dict:
        """Times as ISO 8601 UTC (None while unfinished), durations in seconds."""
        return {
            "run_id": self.run_id, "display_name": self.display_name, "state": self.state,
            "created_at": iso(self.created), "finished_at": iso(self.finished), "duration": self.duration,
            "error": self.error,
            "tasks": [{"name": t.name, "state": t.state, "start": iso(t.start), "end": iso(t.end), "error": t.error}
                      for t in self.tasks],
        }


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class RecurringRun:
    recurring_run_id: str
    display_name: str
    enabled: bool
    cron: str  # as the API gives it; "" for an interval trigger
    created: float
    updated: float
    interval: float | None = None  # periodic_schedule.interval_second
    changed_later: bool = False  # as_of(): updated after the moment evaluated (its state then is unknown)
    dialect: str = "kfp"  # how its cron reads: "kfp" (robfig, seconds first) or "vertex" (unix cron)


@dataclass(slots=True)
class DeploymentRuns:
    """What one refresh knows about one deployment."""

    recurring: dict[str, RecurringRun] = field(default_factory=dict)  # by display name
    runs: dict[str, list[PipelineRun]] = field(default_factory=dict)  # recurring_run_id -> newest first
    window_start: float = 0.0  # runs created before this were not read


def as_of(data: DeploymentRuns, at: float) -> DeploymentRuns:
    """What the runs looked like at `at` (a past moment: `atlas triage --at`): runs created
    later are left out, a run or task that finished later was still running then (its end
    state and error not yet known), and a recurring run updated (or created) later is marked
    `changed_later` (the API keeps only its current state)."""
    recurring = {name: (replace(rr, changed_later=True) if max(rr.updated, rr.created) > at else rr)
                 for name, rr in data.recurring.items()}
    runs = {}
    for rid, group in data.runs.items():
        kept = [_run_at(r, at) for r in group if r.created <= at]
        if kept:
            runs[rid] = kept
    return DeploymentRuns(recurring=recurring, runs=runs, window_start=data.window_start)


def _run_at(run: PipelineRun, at: float) -> PipelineRun:
    if run.finished is not None and run.finished <= at:
        return run
    tasks = tuple(t if t.end is not None and t.end <= at else replace(t, state="RUNNING", end=None, error="")
                  for t in run.tasks if t.start is not None and t.start <= at)
    return replace(run, state="RUNNING", finished=None, error="", tasks=tasks)
