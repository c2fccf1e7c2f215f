"""Which Kubeflow recurring run a component means, and which steps are part of which run,
from catalog labels. Pure: no I/O.

A `kubeflow_recurring_run` component names its recurring run with two labels: `kubeflow`
(the [[kubeflow]] deployment, KFP or Vertex) and `recurring_run` (its display name, which
survives a re-creation, unlike its id). A step (`pipeline_component`) carries the same two
labels to say whose runs its `pipeline_task` signal reads, so a step whose pair matches a
recurring-run component's is PART OF that run: the run failing is its failed step
failing (triage folds the step under the run, see `atlas.health.onset`). A model carries
them too, but a model is what a run produces (its `push_task`), not a part of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RUN_KIND = "kubeflow_recurring_run"
STEP_KIND = "pipeline_component"


def run_ref(labels: Mapping[str, str]) -> tuple[str, str] | None:
    """(deployment, recurring run display name) a component's labels name; None unless
    both are set."""
    deployment, name = labels.get("kubeflow", ""), labels.get("recurring_run", "")
    return (deployment, name) if deployment and name else None


def part_of(catalog: Any) -> dict[str, str]:
    """{step id: recurring-run component id} for every step whose `kubeflow` and
    `recurring_run` labels match exactly one recurring-run component's (two components
    claiming one recurring run leave its steps unassigned: which one they belong to is
    not the catalog's to say)."""
    runs: dict[tuple[str, str], str | None] = {}
    steps: list[tuple[str, tuple[str, str]]] = []
    for comp in catalog.components.values():
        if comp.kind not in (RUN_KIND, STEP_KIND):
            continue
        ref = run_ref(comp.labels)
        if ref is None:
            continue
        if comp.kind == RUN_KIND:
            runs[ref] = None if ref in runs else comp.id
        else:
            steps.append((comp.id, ref))
    return {step: run for step, ref in steps if (run := runs.get(ref)) is not None and run != step}
