"""Recurring runs and their runs -> statuses with reasons and onsets. Pure: no I/O.

Signal types (catalog/signals.toml declares them; the thresholds are catalog data):
- pipeline_run:      the newest finished run FAILED: CRIT naming the failed task(s) and their
                     error; the value is the number of failed runs in a row, failing since
                     the first failed step of the first of them;
- pipeline_schedule: the recurring run DISABLED: WARN; no run started within `warn` periods
                     of its cron: WARN "missed its 03:00 run";
- pipeline_duration: a run in progress for more than `warn` x the usual (median successful)
                     duration: WARN;
- pipeline_task:     one step's state in the newest run (a pipeline_component); FAILED is
                     failing since it first failed in the runs in a row where it failed; a
                     step the run never reached is NO_DATA, saying where the run stopped;
- pipeline_push:     age of the newest successful run of the push step (a model's freshness).
Every status carries `since`: when the current state began, as the runs tell it.
"""

from __future__ import annotations

import statistics

from atlas.health import readable
from atlas.health.model import SignalStatus, Status
from atlas.health.specs import PIPELINE_TYPES as TYPES  # noqa: F401 - re-exported
from atlas.health.specs import SignalSpec
from atlas.kubeflow.cron import Cron, CronError
from atlas.kubeflow.model import DeploymentRuns, PipelineRun, RecurringRun, TaskRun



def when(epoch: float, now: float) -> str:
    """HH:MM UTC, with the date when it is more than 20 h back (the health screens' clock)."""
    return readable.clock(epoch, now)


def _status(spec: SignalSpec, status: Status, reason: str, *, value=None, observed_at=None, since=None,
            unit: str | None = None) -> SignalStatus:
    return SignalStatus(component=spec.component, name=spec.id, status=status, reason=reason, value=value,
                        unit=spec.unit if unit is None else unit, observed_at=observed_at, warn=spec.warn,
                        crit=spec.crit, direction=spec.direction, since=since)


def labels(spec: SignalSpec) -> dict[str, str]:
    return dict(spec.resource_labels)


def evaluate(spec: SignalSpec, data: DeploymentRuns, now: float) -> SignalStatus:
    lab = labels(spec)
    name = lab.get("recurring_run", "")
    rr = data.recurring.get(name)
    if rr is None:
        return _status(spec, Status.WARN, f"no recurring run named {name!r} (renamed, deleted, or another namespace?)")
    if rr.created > now:  # `atlas triage --at` before it existed
        return _status(spec, Status.NO_DATA, f"recurring run {name!r} did not exist yet (created {when(rr.created, now)})")
    runs = data.runs.get(rr.recurring_run_id, [])
    days = readable.duration(max(0.0, now - data.window_start))
    return {
        "pipeline_run": _last_run, "pipeline_schedule": _schedule, "pipeline_duration": _duration,
        "pipeline_task": _task, "pipeline_push": _push,
    }[spec.type](spec, rr, runs, now, days, lab)


def failure_text(run: PipelineRun, now: float) -> str:
    failed = run.failed_tasks()
    if not failed:
        return f"run {run.display_name} failed" + (f": {run.error}" if run.error else "")
    parts = []
    for t in failed:
        at = f" at {when(t.end, now)}" if t.end else ""
        parts.append(f"{t.name} failed{at}" + (f": {t.error}" if t.error else ""))
    return "; ".join(parts)


def failed_at(run: PipelineRun) -> float | None:
    """When a failed run began failing: its first failed step's end (other branches may run
    on for hours before the run is marked FAILED), else when it finished."""
    ends = [t.end for t in run.failed_tasks() if t.end]
    return min(ends) if ends else run.finished


def _last_run(spec, rr: RecurringRun, runs: list[PipelineRun], now, days, lab) -> SignalStatus:
    finished = [r for r in runs if r.finished is not None]
    if not finished:
        if runs:
            return _status(spec, Status.OK, f"first run in progress since {when(runs[0].created, now)}")
        return _status(spec, Status.NO_DATA, f"no runs in the last {days}")
    streak = 0
    for r in finished:
        if r.state != "FAILED":
            break
        streak += 1
    newest = finished[0]
    if streak:
        status = Status.CRIT if spec.crit is None or streak > spec.crit else Status.WARN
        row = f"; {streak} failed runs in a row" if streak > 1 else ""
        return _status(spec, status, f"last run failed: {failure_text(newest, now)}{row}", value=float(streak),
                       observed_at=newest.finished, since=failed_at(finished[streak - 1]), unit="runs")
    word = newest.state.lower()
    reason = f"last run {word} at {when(newest.finished, now)} (took {readable.duration(newest.duration or 0)})"
    status = Status.OK if newest.state in ("SUCCEEDED", "SKIPPED") else Status.WARN
    # OK is dated only when it recovered: the run before it did not end well
    recovered = len(finished) > 1 and finished[1].state not in ("SUCCEEDED", "SKIPPED")
    since = newest.finished if status is not Status.OK or recovered else None
    return _status(spec, status, reason, value=0.0, observed_at=newest.finished, since=since, unit="runs")


def _schedule(spec, rr: RecurringRun, runs, now, days, lab) -> SignalStatus:
    if rr.changed_later:
        return _status(spec, Status.NO_DATA, f"cannot tell: the recurring run was changed later "
                                             f"({when(rr.updated, now)}) and the API keeps only its current state")
    if not rr.enabled:
        return _status(spec, Status.WARN, f"recurring run disabled (since {when(rr.updated, now)})", since=rr.updated)
    base = runs[0].created if runs else rr.created
    multiple = spec.warn if spec.warn is not None else 1.5
    if rr.cron:
        try:
            cron = Cron(rr.cron, rr.dialect)
        except CronError as exc:
            return _status(spec, Status.ERROR, str(exc))
        # a run the scheduler starts a little after its fire time belongs to that fire time
        expected = cron.next_after(base + 60)
        if expected is None:
            return _status(spec, Status.OK, f"cron {rr.cron!r} never fires again")
        period = cron.period_after(expected)
    elif rr.interval:
        period, expected = rr.interval, base + rr.interval
    else:
        return _status(spec, Status.OK, "no schedule (runs by hand)")
    deadline = expected + (multiple - 1.0) * period
    late = (now - base) / period
    if now > deadline:
        missed = f"missed its {when(expected, now)} run" if runs else f"has not started since it was created ({when(base, now)})"
        return _status(spec, Status.WARN, f"{missed}; last run started {readable.duration(now - base)} ago",
                       value=round(late, 2), since=expected, unit="periods")
    nxt = expected if expected > now else cron_next(rr, now)
    tail = f"; next {when(nxt, now)}" if nxt else ""
    return _status(spec, Status.OK, f"on schedule ({rr.cron or f'every {readable.duration(period)}'}){tail}",
                   value=round(late, 2), unit="periods")


def cron_next(rr: RecurringRun, now: float) -> float | None:
    try:
        return Cron(rr.cron, rr.dialect).next_after(now) if rr.cron else None
    except CronError:
        return None


def usual_duration(runs: list[PipelineRun]) -> float | None:
    done = [r.duration for r in runs if r.state == "SUCCEEDED" and r.duration]
    return statistics.median(done) if done else None


def _duration(spec, rr, runs, now, days, lab) -> SignalStatus:
    usual = usual_duration(runs)
    active = [r for r in runs if r.finished is None]
    if not active:
        tail = f" (usual {readable.duration(usual)})" if usual else ""
        return _status(spec, Status.OK, f"no run in progress{tail}", unit="x")
    run = active[-1]  # the oldest unfinished one is the one most overdue
    elapsed = now - run.created
    if not usual:
        return _status(spec, Status.NO_DATA, f"running {readable.duration(elapsed)}; no successful run in the "
                                             f"last {days} to compare with", unit="x")
    ratio = elapsed / usual
    limit = spec.warn if spec.warn is not None else 2.0
    text = f"running {readable.duration(elapsed)}, {ratio:.1f}x its usual {readable.duration(usual)}"
    if ratio > limit:
        return _status(spec, Status.WARN, f"{text} > warn {limit:g}x", value=round(ratio, 2),
                       since=run.created + limit * usual, unit="x")
    return _status(spec, Status.OK, text, value=round(ratio, 2), unit="x")


def _task(spec, rr, runs, now, days, lab) -> SignalStatus:
    name = lab.get("task", "")
    if not runs:
        return _status(spec, Status.NO_DATA, f"no runs of {rr.display_name} in the last {days}")
    run = runs[0]
    task = run.task(name)
    if task is not None:
        if task.state == "FAILED":
            at = f" at {when(task.end, now)}" if task.end else ""
            # failing since it first failed in the runs in a row where it failed
            rows = _task_runs(runs, name)
            first_run, first = rows[-1]
            row = f"; failed in {len(rows)} runs in a row" if len(rows) > 1 else ""
            return _status(spec, Status.CRIT, f"{name} failed{at}" + (f": {task.error}" if task.error else "") + row,
                           observed_at=task.end, since=first.end or first_run.finished)
        if task.state in ("SUCCEEDED", "SKIPPED"):
            # dated only when it recovered: the step failed in the run before
            before = next((t for r in runs[1:] if (t := r.task(name)) is not None), None)
            recovered = before is not None and before.state == "FAILED"
            return _status(spec, Status.OK, f"{task.state.lower()} in the run of {when(run.created, now)}",
                           observed_at=task.end, since=task.end if recovered else None)
        return _status(spec, Status.OK, f"{task.state.lower()} since {when(task.start or run.created, now)}")
    if run.finished is None:
        return _status(spec, Status.OK, f"waiting: the run of {when(run.created, now)} is in progress")
    if run.state in ("SUCCEEDED", "SKIPPED"):
        # a run that finished well ran every step it has: this one is not among them (a
        # renamed step, or a typo in the catalog's `task` label), which no run will ever fix
        names = ", ".join(t.name for t in run.tasks) or "none listed"
        return _status(spec, Status.NO_DATA, f"no step named {name!r} in the run of {when(run.created, now)}, "
                                             f"which {run.state.lower()} (its steps: {names})")
    stopped = ", ".join(t.name for t in run.failed_tasks()) or run.state.lower()
    # Not run is not known to be broken (the step that stopped the run is): no data, and the
    # failure before it stays the one that explains the run.
    return _status(spec, Status.NO_DATA, f"did not run: the run of {when(run.created, now)} stopped at {stopped}",
                   since=run.finished)


def _task_runs(runs: list[PipelineRun], name: str) -> list[tuple[PipelineRun, TaskRun]]:
    """The newest runs, newest first, in which step `name` FAILED, up to the first that did
    not (a run that never reached it ends the row: how it would have gone is unknown)."""
    out = []
    for run in runs:
        task = run.task(name)
        if task is None or task.state != "FAILED":
            break
        out.append((run, task))
    return out


def _pushes(runs: list[PipelineRun], step: str) -> list[tuple[PipelineRun, TaskRun]]:
    """The successful runs of the push step, newest first."""
    out = []
    for run in runs:
        task = run.task(step)
        if task is not None and task.state == "SUCCEEDED" and task.end:
            out.append((run, task))
    return out


def _push(spec, rr, runs, now, days, lab) -> SignalStatus:
    step = lab.get("push_task", "pusher")
    pushes = _pushes(runs, step)
    if not pushes:
        status = Status.CRIT if spec.crit is not None else Status.WARN
        return _status(spec, status, f"no successful {step} step in the last {days} of {rr.display_name}",
                       value=None, since=None, unit="s")
    run, task = pushes[0]
    age = now - task.end
    first = spec.warn if spec.warn is not None else spec.crit  # the age at which it turns failing
    status, since = Status.OK, None
    if spec.crit is not None and age > spec.crit:
        status, since = Status.CRIT, task.end + first  # failing since it turned WARN, if it did
    elif spec.warn is not None and age > spec.warn:
        status, since = Status.WARN, task.end + spec.warn
    elif len(pushes) > 1 and first is not None and task.end - pushes[1][1].end > first:
        since = task.end  # OK is dated only when it recovered: the push before was already too old
    limit = spec.crit if status is Status.CRIT else spec.warn
    bound = f" > {'crit' if status is Status.CRIT else 'warn'} {readable.duration(limit)}" if status is not Status.OK else ""
    return _status(spec, status, f"pushed {readable.duration(age)} ago by the run of "
                                 f"{when(run.created, now)} ({rr.display_name}){bound}",
                   value=age, observed_at=task.end, since=since, unit="s")
