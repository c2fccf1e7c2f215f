"""The batching planner: as few Cloud Monitoring calls as there are distinct metrics.

Every metric signal that shares (project, metric type, resource type, aggregation, fixed
metric labels, identifying labels) becomes ONE ListTimeSeries request:

    metric.type = "M" AND resource.type = "R" AND resource.labels.job_name = one_of("a","b")

grouped by the identifying labels (plus the ratio label), so each returned series names
the component it belongs to. The look-back is the longest any member needs; the evaluator
reads each signal's own window from it.

Log signals (entry counts, log freshness) batch per (project, signal, filter shape): one
ListLogEntries with the terms the members share, entries attributed back by the fields
that vary (see `logshape`). A filter that is not ANDed simple terms gets its own request
(`plan.log_queries`); `plan.calls` counts both kinds.

Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.catalog.model import Catalog
from atlas.health import logshape
from atlas.health.specs import PIPELINE_TYPES, SignalSpec, signals_of


# Google documents a 2,048-character limit for the Monitoring filter grammar (alert policy
# conditions, cloud.google.com/monitoring/api/v3/filters); a group whose one_of() lists would
# outgrow it is split into several requests that each stay under it.
MAX_FILTER = 2048


def quote(value: str) -> str:
    """A Monitoring filter string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class GroupKey:
    project: str
    metric_type: str
    resource_type: str
    aligner: str
    reducer: str
    alignment_period: int
    metric_labels: tuple[tuple[str, str], ...]
    label_names: tuple[str, ...]  # identifying resource labels (group-by)
    ratio_label: str


@dataclass(slots=True)
class QueryGroup:
    """One ListTimeSeries request and the signals its series answer."""

    key: GroupKey
    members: list[SignalSpec] = field(default_factory=list)
    _filter: str = ""  # built on first use; a plan's groups do not change

    @property
    def project(self) -> str:
        return self.key.project

    @property
    def lookback(self) -> int:
        return max(m.lookback for m in self.members)

    @property
    def filter(self) -> str:
        if not self._filter:
            self._filter = self._build_filter()
        return self._filter

    def _build_filter(self) -> str:
        k = self.key
        terms = [f"metric.type = {quote(k.metric_type)}"]
        if k.resource_type:
            terms.append(f"resource.type = {quote(k.resource_type)}")
        for name, value in k.metric_labels:
            terms.append(f"metric.labels.{name} = {quote(value)}")
        for i, name in enumerate(k.label_names):
            values = sorted({m.resource_labels[i][1] for m in self.members})
            if len(values) == 1:
                terms.append(f"resource.labels.{name} = {quote(values[0])}")
            else:
                terms.append(f"resource.labels.{name} = one_of({','.join(quote(v) for v in values)})")
        return " AND ".join(terms)

    @property
    def group_by(self) -> list[str]:
        fields_ = [f"resource.labels.{n}" for n in self.key.label_names]
        if self.key.ratio_label:
            fields_.append(f"metric.labels.{self.key.ratio_label}")
        return fields_

    def index(self) -> dict[tuple[str, ...], list[SignalSpec]]:
        """Identifying label values -> the signals a series with those labels answers."""
        out: dict[tuple[str, ...], list[SignalSpec]] = {}
        for m in self.members:
            out.setdefault(m.label_key, []).append(m)
        return out


@dataclass(slots=True)
class LogQuery:
    """One ListLogEntries request for one log signal of one component."""

    spec: SignalSpec

    @property
    def project(self) -> str:
        return self.spec.project


@dataclass(slots=True)
class LogBatch:
    """One ListLogEntries for every component of a log signal sharing a filter shape."""

    project: str
    filter: str  # the terms all members share
    varying: tuple[str, ...]  # fields whose value tells the members apart
    resource: str = ""  # Logging resource name the members' logs live in (a project or a bucket view)
    members: list[SignalSpec] = field(default_factory=list)
    keys: list[tuple[str, ...]] = field(default_factory=list)  # members' values of `varying`

    @property
    def type(self) -> str:
        return self.members[0].type

    @property
    def window(self) -> int:
        return self.members[0].window if self.type == "log" else self.members[0].lookback

    def index(self) -> dict[tuple[str, ...], list[SignalSpec]]:
        out: dict[tuple[str, ...], list[SignalSpec]] = {}
        for key, spec in zip(self.keys, self.members):
            out.setdefault(key, []).append(spec)
        return out


@dataclass(slots=True)
class SignalPlan:
    groups: list[QueryGroup] = field(default_factory=list)
    log_queries: list[LogQuery] = field(default_factory=list)
    log_batches: list[LogBatch] = field(default_factory=list)
    unqueryable: list[SignalSpec] = field(default_factory=list)  # spec.problem says why
    specs: dict[str, list[SignalSpec]] = field(default_factory=dict)  # component id -> its signals
    split_extra: int = 0  # extra ListTimeSeries calls that keeping filters under MAX_FILTER costs
    # Kubeflow signals by deployment (the `kubeflow` label): one reader job each (atlas.kubeflow)
    kubeflow: dict[str, list[SignalSpec]] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        """Requests one refresh makes (first pages; more only if a result spans pages)."""
        return len(self.groups) + len(self.log_queries) + len(self.log_batches)

    @property
    def signal_count(self) -> int:
        return sum(len(v) for v in self.specs.values())


def group_key(spec: SignalSpec) -> GroupKey:
    return GroupKey(
        project=spec.project,
        metric_type=spec.metric_type,
        resource_type=spec.resource_type,
        aligner=spec.aligner,
        reducer=spec.reducer,
        alignment_period=spec.alignment_period,
        metric_labels=spec.metric_labels,
        label_names=tuple(n for n, _ in spec.resource_labels),
        ratio_label=spec.ratio_label if spec.type == "ratio" else "",
    )


def plan(catalog: Catalog) -> SignalPlan:
    result = SignalPlan()
    groups: dict[GroupKey, QueryGroup] = {}
    log_specs: list[SignalSpec] = []
    for component in catalog.components.values():
        specs = signals_of(catalog, component)
        result.specs[component.id] = specs
        for spec in specs:
            if spec.problem:
                result.unqueryable.append(spec)
            elif spec.uses_logs:
                log_specs.append(spec)
            elif spec.type in PIPELINE_TYPES:
                result.kubeflow.setdefault(dict(spec.resource_labels).get("kubeflow", ""), []).append(spec)
            else:
                key = group_key(spec)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = QueryGroup(key)
                group.members.append(spec)
    for group in groups.values():
        parts = split(group)
        result.split_extra += len(parts) - 1
        result.groups += parts
    result.log_batches, result.log_queries = plan_logs(log_specs)
    return result


def split(group: QueryGroup, limit: int = MAX_FILTER) -> list[QueryGroup]:
    """The group as requests whose filters stay under `limit` characters: members taken in
    label order, a new request started when one more value would outgrow the limit."""
    if len(group.filter) <= limit:
        return [group]
    k = group.key
    base = len(QueryGroup(k, [group.members[0]]).filter) - sum(
        len(quote(v)) for _, v in group.members[0].resource_labels)
    per_label = len(" one_of()") * len(k.label_names)
    parts: list[QueryGroup] = []
    current: list[SignalSpec] = []
    seen: list[set[str]] = [set() for _ in k.label_names]
    used = base + per_label
    for spec in sorted(group.members, key=lambda m: m.label_key):
        new = [(i, v) for i, (_, v) in enumerate(spec.resource_labels) if v not in seen[i]]
        cost = sum(len(quote(v)) + 1 for _, v in new)
        if current and used + cost > limit:
            parts.append(QueryGroup(k, current))
            current, seen, used = [], [set() for _ in k.label_names], base + per_label
            new = list(enumerate(v for _, v in spec.resource_labels))
            cost = sum(len(quote(v)) + 1 for _, v in new)
        current.append(spec)
        for i, v in new:
            seen[i].add(v)
        used += cost
    if current:
        parts.append(QueryGroup(k, current))
    return parts


def plan_logs(specs: list[SignalSpec]) -> tuple[list[LogBatch], list[LogQuery]]:
    """Batch log signals by (project, signal, window, filter shape); the rest go alone."""
    buckets: dict[tuple, list[tuple[SignalSpec, list[logshape.Term]]]] = {}
    singles: list[LogQuery] = []
    for spec in specs:
        terms = logshape.parse(spec.log_filter)
        if terms is None:
            singles.append(LogQuery(spec))
            continue
        key = (spec.project, spec.log_resource, spec.id, spec.type, spec.window, spec.lookback, logshape.shape(terms))
        buckets.setdefault(key, []).append((spec, terms))
    batches: list[LogBatch] = []
    for members in buckets.values():
        if len(members) == 1:
            singles.append(LogQuery(members[0][0]))
            continue
        filters = [terms for _, terms in members]
        varying = logshape.varying_positions(filters)
        if varying is None:
            singles.extend(LogQuery(spec) for spec, _ in members)
            continue
        first = filters[0]
        common = [t.text for i, t in enumerate(first) if i not in varying]
        batch = LogBatch(project=members[0][0].project, filter=" AND ".join(common),
                         varying=tuple(first[i].field for i in varying), resource=members[0][0].log_resource)
        for spec, terms in members:
            batch.members.append(spec)
            batch.keys.append(tuple(terms[i].literal for i in varying))
        batches.append(batch)
    return batches, singles


def naive_requests(signal_plan: SignalPlan) -> list[QueryGroup]:
    """One request per metric signal: what a loop without the planner would send.

    Used by the benchmark as the baseline, and handy to check the planner's mapping.
    """
    return [QueryGroup(g.key, [m]) for g in signal_plan.groups for m in g.members]
