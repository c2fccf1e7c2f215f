"""Small catalogs built in code for the health tests (no I/O)."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.model import Catalog, Component, LogFilterTemplate, SignalTemplate, System, Team

NOW = 1_790_000_000.0  # a frozen "now": 2026-09-21 14:13:20 UTC, 20 s past a minute boundary


def lag_signal(**kw) -> SignalTemplate:
    base = dict(
        id="dataflow-system-lag", name="system_lag", kinds=("dataflow_job",), type="metric",
        metric_type="dataflow.googleapis.com/job/system_lag", resource_type="dataflow_job",
        resource_labels=("job_name",), aligner="ALIGN_MAX", reducer="REDUCE_MAX", window=900,
        unit="s", warn=60, crit=300,
    )
    base.update(kw)
    return SignalTemplate(**base)


def failed_signal(**kw) -> SignalTemplate:
    base = dict(
        id="dataflow-failed", name="is_failed", kinds=("dataflow_job",), type="metric",
        metric_type="dataflow.googleapis.com/job/is_failed", resource_type="dataflow_job",
        resource_labels=("job_name",), aligner="ALIGN_MAX", reducer="REDUCE_MAX", window=900, crit=0,
    )
    base.update(kw)
    return SignalTemplate(**base)


def grpc_error_ratio(**kw) -> SignalTemplate:
    base = dict(
        id="grpc-error-ratio", name="grpc error ratio", kinds=("grpc_service",), type="ratio",
        metric_type="prometheus.googleapis.com/grpc_server_handled_total/counter",
        resource_type="prometheus_target", resource_labels=("cluster", "namespace", "job"),
        aligner="ALIGN_RATE", reducer="REDUCE_SUM", window=900, unit="%", warn=1, crit=5,
        ratio_label="grpc_code", ratio_bad=("OK",), ratio_bad_mode="exclude",
    )
    base.update(kw)
    return SignalTemplate(**base)


def make_catalog(components: list[Component], signals: list[SignalTemplate], tmp: Path | None = None,
                 log_filters: list[LogFilterTemplate] | None = None) -> Catalog:
    root = (tmp or Path("/nonexistent")) / "catalog"
    cat = Catalog(root=root, workspace=root.parent, name="test", default_project="proj-a")
    cat.teams = {
        "data-eng": Team("data-eng", "Data Engineering", chat="#data-eng", oncall="pagerduty:PD-DE"),
        "serving": Team("serving", "Serving", chat="#serving", oncall="pagerduty:PD-SV"),
    }
    cat.systems = {"pipes": System("pipes", "Pipelines", owner="data-eng", project="proj-a", order=1),
                   "serving": System("serving", "Serving", owner="serving", project="proj-b", order=2)}
    cat.signals = {s.id: s for s in signals}
    cat.components = {c.id: c for c in components}
    cat.log_filters = list(log_filters or [])
    return cat


def job(cid: str, *, depends_on=(), project="proj-a", owner="data-eng", tier=2, runbook=None, **kw) -> Component:
    return Component(id=cid, kind="dataflow_job", system="pipes", owner=owner, depends_on=tuple(depends_on),
                     project=project, tier=tier, runbook=runbook, labels={"job_name": cid}, **kw)
