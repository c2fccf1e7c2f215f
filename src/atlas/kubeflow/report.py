"""`atlas runs`: which recurring runs a component means, and their last runs as text or JSON.

Pure: no I/O. A kubeflow_recurring_run component names its recurring run (labels.kubeflow,
labels.recurring_run); a kubeflow_pipeline means every recurring run that depends on it.
"""

from __future__ import annotations

from atlas.catalog.runs import RUN_KIND, run_ref
from atlas.health import readable
from atlas.kubeflow.evaluate import failure_text
from atlas.kubeflow.model import PipelineRun, RecurringRun


class RunsLookupError(LookupError):
    """str() is one line for a person."""


def targets(catalog, component_id: str) -> list[tuple[str, str, str]]:
    """[(component id, deployment id, recurring run display name)] for `atlas runs ID`."""
    comp = catalog.components.get(component_id)
    if comp is None:
        raise RunsLookupError(f"unknown component {component_id!r}")
    if comp.kind == "kubeflow_pipeline":
        chosen = [c for c in catalog.components.values()
                  if c.kind == RUN_KIND and component_id in c.depends_on]
        if not chosen:
            raise RunsLookupError(f"no recurring run depends on pipeline {component_id}")
    elif comp.kind == RUN_KIND:
        chosen = [comp]
    else:
        raise RunsLookupError(f"{component_id} is a {comp.kind}, not a {RUN_KIND} or kubeflow_pipeline")
    out = []
    for c in chosen:
        ref = run_ref(c.labels)
        if ref is None:
            raise RunsLookupError(f"component {c.id} needs labels kubeflow and recurring_run (add them under [component.labels])")
        out.append((c.id, *ref))
    return out


def _tasks(run: PipelineRun) -> str:
    if not run.tasks:
        return "(no task details)"
    if all(t.state == "SUCCEEDED" for t in run.tasks):
        return f"all {len(run.tasks)} tasks succeeded"
    return ", ".join(f"{t.name} {t.state}" for t in run.tasks)


def runs_text(component: str, deployment: str, rr: RecurringRun | None, name: str, runs: list[PipelineRun],
              now: float) -> str:
    if rr is None:
        return f"{component}: no recurring run named {name!r} on {deployment}\n"
    state = "ENABLED" if rr.enabled else "DISABLED"
    head = f"{component}: recurring run {name} on {deployment} ({state}, cron {rr.cron or '-'})"
    if not runs:
        return f"{head}\n  no runs in the window read\n"
    lines = [head, f"  {'STATE':<10} {'STARTED (UTC)':<14} {'DURATION':<9} TASKS"]
    for r in runs:
        took = readable.duration(r.duration) if r.duration is not None else f"{readable.duration(now - r.created)}+"
        lines.append(f"  {r.state:<10} {readable.clock(r.created, now):<14} {took:<9} {_tasks(r)}")
        if r.state == "FAILED":
            lines.append(f"  {'':<10} {failure_text(r, now)}")
    return "\n".join(lines) + "\n"


def runs_json(component: str, deployment: str, rr: RecurringRun | None, name: str, runs: list[PipelineRun]) -> dict:
    return {
        "component": component, "deployment": deployment, "recurring_run": name,
        "found": rr is not None,
        "enabled": rr.enabled if rr else None, "cron": rr.cron if rr else None,
        "runs": [r.to_json() for r in runs],
    }
