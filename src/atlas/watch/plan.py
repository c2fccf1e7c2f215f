"""The watch's queries: one ListTimeSeries per distinct metric for every running experiment.

Health's planner batches components by their resource labels; the watch batches
experiments by a metric label instead:

    metric.type = "M" AND resource.type = "prometheus_target" AND resource.labels.job = "ranker-svc"
      AND metric.labels.experiment = one_of("exp-a", "exp-b", ...)

grouped by the experiment and arm labels (plus the served-model and code labels of the
request counter), so 50 experiments on one service cost one call per metric, not one per arm.
Filters are quoted and kept under Google's 2,048-character limit with the health planner's
own `quote` and `MAX_FILTER`; a longer one_of() list becomes a second request. Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from atlas.watch.spec import WatchSpec
from atlas.health.planner import MAX_FILTER, quote

MAX_LOOKBACK = 42 * 86400  # Cloud Monitoring keeps most metrics six weeks: older reads find nothing


@dataclass(frozen=True, slots=True)
class WatchTarget:
    """One running experiment and where its numbers are."""

    experiment: str
    spec: WatchSpec
    merged_at: float | None  # epoch seconds the set merged; None when the manifest does not say
    feature: str = ""  # the feature column it turns on ("" = none)


@dataclass(frozen=True, slots=True)
class QueryKey:
    """What makes two experiments' questions one request (the names build_request reads)."""

    role: str  # requests | latency | feature
    project: str
    metric_type: str
    resource_type: str
    resource_labels: tuple[tuple[str, str], ...]
    aligner: str
    reducer: str
    alignment_period: int
    select_label: str  # the metric label the one_of() selects on
    group_labels: tuple[str, ...]  # metric labels the series are grouped by


@dataclass(slots=True)
class WatchQuery:
    key: QueryKey
    values: list[str] = field(default_factory=list)  # experiment ids (or feature names), sorted
    lookback: int = 0

    @property
    def filter(self) -> str:
        return _filter(self.key, self.values)

    @property
    def group_by(self) -> list[str]:
        return [f"metric.labels.{name}" for name in self.key.group_labels]


def _filter(k: QueryKey, values: list[str]) -> str:
    terms = [f"metric.type = {quote(k.metric_type)}"]
    if k.resource_type:
        terms.append(f"resource.type = {quote(k.resource_type)}")
    terms += [f"resource.labels.{n} = {quote(v)}" for n, v in k.resource_labels]
    if len(values) == 1:
        terms.append(f"metric.labels.{k.select_label} = {quote(values[0])}")
    else:
        terms.append(f"metric.labels.{k.select_label} = one_of({','.join(quote(v) for v in values)})")
    return " AND ".join(terms)


def _keys(target: WatchTarget) -> list[tuple[QueryKey, str, int]]:
    """(key, the value it selects, look-back in seconds) for each question of one experiment."""
    s = target.spec
    r = s.requests
    group = tuple(n for n in (s.experiment_label, s.arm_label, r.served_label, r.code_label) if n)
    out = [(QueryKey("requests", s.project, r.metric_type, s.resource_type, s.resource_labels, "ALIGN_DELTA",
                     "REDUCE_SUM", r.period, s.experiment_label, group), target.experiment, 0)]
    if s.latency is not None:
        lt = s.latency
        out.append((QueryKey("latency", s.project, lt.metric_type, s.resource_type, s.resource_labels, "ALIGN_DELTA",
                             "REDUCE_PERCENTILE_99", lt.period, s.experiment_label,
                             (s.experiment_label, s.arm_label)), target.experiment, lt.window))
    if s.feature is not None and target.feature:
        ft = s.feature
        out.append((QueryKey("feature", s.project, ft.metric_type, ft.resource_type, ft.resource_labels, "ALIGN_MAX",
                             "REDUCE_MAX", ft.period, ft.feature_label, (ft.feature_label,)), target.feature, ft.window))
    return out


def requests_lookback(merged_at: float | None, now: float, period: int) -> int:
    """Since the merge, in whole periods, at most MAX_LOOKBACK (an unknown merge: the most)."""
    span = MAX_LOOKBACK if merged_at is None else max(period, now - merged_at)
    return min(MAX_LOOKBACK // period * period, int(math.ceil(span / period)) * period)


def plan_watch(targets: list[WatchTarget], now: float, limit: int = MAX_FILTER) -> list[WatchQuery]:
    """The requests that answer every target: one per distinct (metric, aggregation), split
    only when a filter would outgrow `limit`."""
    merged: dict[QueryKey, dict[str, int]] = {}
    for t in targets:
        for key, value, lookback in _keys(t):
            if key.role == "requests":
                lookback = requests_lookback(t.merged_at, now, key.alignment_period)
            values = merged.setdefault(key, {})
            values[value] = max(values.get(value, 0), lookback)
    queries: list[WatchQuery] = []
    for key, values in merged.items():
        current: list[str] = []
        for value in sorted(values):
            if current and len(_filter(key, current + [value])) > limit:
                queries.append(WatchQuery(key, current, max(values[v] for v in current)))
                current = []
            current.append(value)
        queries.append(WatchQuery(key, current, max(values[v] for v in current)))
    return queries
