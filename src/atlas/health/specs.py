"""A component's signals, resolved: template + per-component overrides + filled placeholders.

`SignalSpec` is what the planner batches and the evaluator judges. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from atlas.catalog.model import Catalog, Component, SignalTemplate, fill_placeholders
from atlas import metrictable as metrics

LOG_RETENTION = 30 * 86400  # the _Default bucket's retention (cloud.google.com/logging/docs/routing/overview)

# Template fields a component may override (`[component.signal_overrides.ID]`).
_OVERRIDABLE = {
    f.name for f in fields(SignalTemplate) if f.name not in ("id", "kinds", "modes", "source")
}
_TUPLE_FIELDS = ("resource_labels", "ratio_bad")
# Read from the Kubeflow Pipelines / Vertex AI Pipelines API (atlas.kubeflow), not Google
# Monitoring or Logging; their resource_labels name the component labels that select the runs.
PIPELINE_TYPES = ("pipeline_run", "pipeline_schedule", "pipeline_duration", "pipeline_task", "pipeline_push")


@dataclass(slots=True)
class SignalSpec:
    """One signal of one component, ready to query and evaluate."""

    component: str
    id: str  # the template id
    name: str  # short human name, used in reasons
    type: str  # metric | ratio | log | freshness
    project: str
    metric_type: str = ""
    resource_type: str = ""
    # (label name, value) for every identifying resource label, in template order
    resource_labels: tuple[tuple[str, str], ...] = ()
    metric_labels: tuple[tuple[str, str], ...] = ()  # fixed metric.labels terms, sorted
    aligner: str = "ALIGN_MAX"
    reducer: str = "REDUCE_MAX"
    alignment_period: int = 60
    window: int = 900
    unit: str = ""
    direction: str = "above"
    warn: float | None = None
    crit: float | None = None
    stale_after: int | None = None
    ratio_label: str = ""
    ratio_bad: tuple[str, ...] = ()
    ratio_bad_mode: str = "exclude"
    log_filter: str = ""
    on_absent: str = "no_data"  # no_data | warn | crit | zero (see evaluate)
    ingest_delay: int = 0  # seconds Google may take to show a point (the metric table)
    sample_period: int = 60  # seconds between the metric's points (the metric table; 60 if unknown)
    log_resource: str = ""  # Logging resource name: "projects/P" or a log bucket view
    problem: str = ""  # why this signal cannot be queried ("" = fine)
    # Derived once in __post_init__ (read per point while evaluating, so not properties):
    stale_horizon: int = 0  # age beyond which the newest point says nothing about now
    lookback: int = 0  # how far back a query reaches
    absent_after: int = 0  # no point for this long: the series stopped (on_absent warn/crit)

    def __post_init__(self) -> None:
        self.stale_horizon = self.stale_after if self.stale_after is not None else 2 * self.window
        # The newest aligned point covers the last alignment period: a healthy series has one
        # there unless the period is no longer than Google's ingestion delay plus a sample
        # period (the newest visible sample can be that old), so silence shows as a newest
        # point one period old, or max(period, sample period) + delay for short periods.
        short = self.alignment_period <= self.ingest_delay + self.sample_period
        self.absent_after = (max(self.alignment_period, self.sample_period) + self.ingest_delay if short
                             else self.alignment_period)
        # Twice the stale horizon, so a series that went quiet reads as STALE (with its last
        # value) and only a long silence as NO_DATA.
        span = 2 * max(self.window, self.stale_horizon)
        if self.type == "freshness":
            # an age threshold of 36 h needs points at least that old to be seen at all
            span = max(span, int(self.crit or 0) * 2, int(self.warn or 0) * 2)
        if self.uses_logs:  # Cloud Logging keeps entries 30 days by default: older reads find nothing
            span = min(span, LOG_RETENTION)
        self.lookback = span

    @property
    def uses_logs(self) -> bool:
        return self.type == "log" or (self.type == "freshness" and not self.metric_type)

    @property
    def label_key(self) -> tuple[str, ...]:
        return tuple(v for _, v in self.resource_labels)


def effective_template(template: SignalTemplate, component: Component) -> SignalTemplate:
    """The template with the component's `signal_overrides` for it applied (unknown keys ignored)."""
    overrides = component.signal_overrides.get(template.id) or {}
    changes = {}
    for key, value in overrides.items():
        if key not in _OVERRIDABLE:
            continue
        if key in _TUPLE_FIELDS and isinstance(value, list):
            value = tuple(value)
        changes[key] = value
    return replace(template, **changes) if changes else template


def resolve(template: SignalTemplate, component: Component) -> SignalSpec:
    t = effective_template(template, component)
    problem = ""
    project = component.project  # the loader already fell back to the system's and the catalog's
    if not project:
        problem = f"component {component.id} has no project (set project on it or its system)"
    uses_logs = t.type == "log" or (t.type == "freshness" and not t.metric_type)
    labels = []
    for name in () if uses_logs else t.resource_labels:  # log signals select by their filter
        value = component.labels.get(name)
        if value is None and name == "project_id":
            value = project  # every GCP resource carries its project; no need to repeat it
        if value is None:
            problem = problem or (
                f"component {component.id} has no label {name!r} needed by signal {t.id} "
                f"(add it under [component.labels])"
            )
            value = ""
        labels.append((name, str(value)))
    log_filter = _fill(t.log_filter, component) if uses_logs else ""
    if uses_logs and not log_filter:
        problem = problem or f"signal {t.id} of type {t.type} has no log_filter"
    if not uses_logs and not t.metric_type and t.type not in PIPELINE_TYPES:
        problem = problem or f"signal {t.id} has no metric_type"
    if uses_logs and "{" in log_filter:
        problem = problem or f"signal {t.id}: log_filter has an unfilled placeholder: {log_filter}"
    metric_type = _fill(t.metric_type, component)
    known = metrics.lookup(metric_type) if metric_type else None
    return SignalSpec(
        component=component.id,
        id=t.id,
        name=t.name or t.id,
        type=t.type,
        project=project,
        metric_type=metric_type,
        resource_type=t.resource_type,
        resource_labels=tuple(labels),
        metric_labels=tuple(sorted((k, _fill(str(v), component)) for k, v in t.metric_labels.items()))
        if t.metric_labels else (),
        aligner=t.aligner,
        reducer=t.reducer,
        alignment_period=int(t.alignment_period),
        window=int(t.window),
        unit=t.unit,
        direction=t.direction,
        warn=t.warn,
        crit=t.crit,
        stale_after=t.stale_after,
        ratio_label=t.ratio_label,
        ratio_bad=tuple(t.ratio_bad),
        ratio_bad_mode=t.ratio_bad_mode,
        log_filter=log_filter,
        on_absent=getattr(t, "on_absent", "no_data") or "no_data",
        ingest_delay=known.ingest_delay if known is not None else 0,
        sample_period=known.sample_period if known is not None else 60,
        log_resource=_log_resource(getattr(component, "log_resource", ""), project),
        problem=problem,
    )


def _log_resource(value: str, project: str) -> str:
    """Logging resource_names entry: a bare project id becomes projects/ID; a bucket view
    (projects/P/locations/L/buckets/B/views/V) is passed as written."""
    value = (value or "").strip()
    if not value:
        return f"projects/{project}" if project else ""
    return value if "/" in value else f"projects/{value}"


def _fill(text: str, component: Component) -> str:
    return fill_placeholders(text, component) if "{" in text else text


def signals_of(catalog: Catalog, component: Component) -> list[SignalSpec]:
    return [resolve(t, component) for t in catalog.signals_for(component)]
