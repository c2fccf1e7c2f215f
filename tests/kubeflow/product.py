"""A small Kubeflow product built in code: one deployment, recurring runs, their steps and a
model, read through the real client from a KfpEmulator on loopback (no I/O beyond that)."""

from __future__ import annotations

import contextlib
import types
from pathlib import Path

from atlas.catalog.model import Catalog, Component, KubeflowDeployment, SignalTemplate, System, Team
from atlas.emulators.kfp import KfpEmulator
from atlas.health.service import HealthService
from atlas.kubeflow.reader import make_reader

NOW = 1_790_000_000.0  # frozen: 2026-09-21 14:13:20 UTC
TASKS = ["example-gen", "transform", "trainer", "evaluator", "pusher"]


def signals() -> list[SignalTemplate]:
    two = ("kubeflow", "recurring_run")
    return [
        SignalTemplate("kfp-last-run", "last run", ("kubeflow_recurring_run",), type="pipeline_run",
                       resource_labels=two, unit="runs", crit=0),
        SignalTemplate("kfp-schedule", "schedule", ("kubeflow_recurring_run",), type="pipeline_schedule",
                       resource_labels=two, unit="periods", warn=1.5),
        SignalTemplate("kfp-run-duration", "run duration", ("kubeflow_recurring_run",), type="pipeline_duration",
                       resource_labels=two, unit="x", warn=2),
        SignalTemplate("pipeline-task", "step", ("pipeline_component",), type="pipeline_task",
                       resource_labels=(*two, "task")),
        SignalTemplate("model-freshness", "model age", ("model",), type="pipeline_push",
                       resource_labels=(*two, "push_task"), unit="s", warn=129600, crit=259200),
    ]


def catalog(recurring: list[str], *, steps_of: str | None = None, model_of: str | None = None) -> Catalog:
    root = Path("/nonexistent/catalog")
    cat = Catalog(root=root, workspace=root.parent, name="kf-test", default_project="ml")
    cat.teams = {"ml": Team("ml", "ML platform")}
    cat.systems = {"training": System("training", "Training", owner="ml", project="ml", order=1)}
    cat.signals = {s.id: s for s in signals()}
    cat.kubeflow = {"kfp": KubeflowDeployment("kfp", "kfp", host="https://kfp.invalid", namespace="kubeflow",
                                              auth="iap", audience="x.apps.googleusercontent.com")}
    comps = [Component(name, "kubeflow_recurring_run", system="training", owner="ml", project="ml",
                       labels={"kubeflow": "kfp", "recurring_run": name}) for name in recurring]
    if steps_of:
        prev = steps_of
        for task in TASKS:
            comps.append(Component(task, "pipeline_component", system="training", owner="ml", project="ml",
                                   depends_on=(prev,),
                                   labels={"kubeflow": "kfp", "recurring_run": steps_of, "task": task}))
            prev = task
    if model_of:
        comps.append(Component("ranker", "model", system="training", owner="ml", project="ml", depends_on=("pusher",),
                               labels={"kubeflow": "kfp", "recurring_run": model_of, "push_task": "pusher"}))
    cat.components = {c.id: c for c in comps}
    return cat


def nightly(name: str = "ranker-training-nightly", **kw) -> dict:
    base = dict(display_name=name, cron="0 0 3 * * *", tasks=TASKS, duration="1h", last="-11h13m20s",
                every="24h", count=7)  # the newest run was created at 03:00 UTC on NOW's day
    base.update(kw)
    return base


@contextlib.contextmanager
def running(cat: Catalog, recurring_runs: list[dict], **emulator_kw):
    """(HealthService, KfpEmulator) on a frozen clock, the reader pointed at the emulator."""
    emu = KfpEmulator({"namespace": "kubeflow", "recurring_run": recurring_runs}, now=lambda: NOW, **emulator_kw)
    endpoint = emu.start()
    env = {"KF_PIPELINES_ENDPOINT": endpoint}
    service = HealthService(cat, clients=types.SimpleNamespace(monitoring=None, logging=None), now=lambda: NOW,
                            kubeflow_factory=lambda: make_reader(cat, env))
    try:
        yield service, emu
    finally:
        service.close()
        emu.stop()
