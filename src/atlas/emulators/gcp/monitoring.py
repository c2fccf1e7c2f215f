"""MetricService.ListTimeSeries and AlertPolicyService.ListAlertPolicies over the scenario.

Requests and responses are the client library's own protobuf classes, so whatever the real
`MetricServiceClient` sends and expects is what this answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from atlas.emulators.gcp.aggregation import AggregationError, Dist, SeriesData, aggregate, raw_series
from atlas.emulators.gcp.filters import FilterError, parse_metric_filter
from atlas import metrictable as metrics

if TYPE_CHECKING:  # pragma: no cover
    from atlas.emulators.gcp.emulator import GcpEmulator

_KIND = {"gauge": 1, "delta": 2, "cumulative": 3}  # google.api.MetricDescriptor.MetricKind
_VTYPE = {"bool": 1, "int64": 2, "double": 3, "distribution": 5}  # ...ValueType
MAX_PAGE_SIZE = 100_000  # Google's effective page size when none (or more) is asked for
_BUCKETS = 40  # exponential buckets: 1e-3 * 2^i, wide enough for seconds and milliseconds


class InvalidArgument(ValueError):
    pass


def pb_types():
    from google.cloud.monitoring_v3 import types as t

    return t


def project_of(name: str) -> str:
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "projects" or not parts[1]:
        raise InvalidArgument(f"name must be projects/PROJECT_ID (got {name!r})")
    return parts[1]


def list_time_series(emu: "GcpEmulator", request, context):
    t = pb_types()
    try:
        project = project_of(request.name)
        flt = parse_metric_filter(request.filter)
    except (InvalidArgument, FilterError) as exc:
        emu.reject(context, f"ListTimeSeries: {exc}")
    emu.suffer_faults("ListTimeSeries", flt.metric_type, context)
    if not request.HasField("interval") or not request.interval.HasField("end_time"):
        emu.reject(context, "ListTimeSeries: interval.end_time is required")
    end = request.interval.end_time.ToSeconds() + request.interval.end_time.nanos / 1e9
    start = (request.interval.start_time.ToSeconds() + request.interval.start_time.nanos / 1e9
             if request.interval.HasField("start_time") else end)
    if start > end:
        emu.reject(context, "ListTimeSeries: interval.start_time is after end_time")
    if request.HasField("secondary_aggregation"):
        emu.reject(context, "ListTimeSeries: secondary_aggregation is not supported by the emulator")
    agg = request.aggregation
    aligner = t.Aggregation.pb().Aligner.Name(agg.per_series_aligner)
    reducer = t.Aggregation.pb().Reducer.Name(agg.cross_series_reducer)
    period = agg.alignment_period.seconds if agg.HasField("alignment_period") else 0
    if aligner != "ALIGN_NONE" and period <= 0:
        emu.reject(context, "ListTimeSeries: The alignment period must be specified when an aligner is set "
                            "(aggregation.alignment_period, at least 60s)")
    known = metrics.lookup(flt.metric_type)
    descriptor = known or _scenario_descriptor(emu, project, flt.metric_type)
    if descriptor is not None:
        # Google checks the aggregation against the metric's descriptor, matched series or not
        # (a custom or Prometheus metric has one too: the kind and value type it was written as)
        _, why = metrics.aggregation_problem(descriptor, aligner, reducer)
        if why:
            emu.reject(context, f"ListTimeSeries: {why}")

    now = emu.now()
    # points become visible only after the metric's ingestion delay (the metric table)
    visible = now - (known.ingest_delay if known is not None else 0)
    selected = []
    for spec in emu.series_of(project, flt.metric_type):
        if not flt.matches(spec.resource_type, spec.resource_labels, spec.metric_labels):
            continue
        base = SeriesData(spec.metric_type, spec.resource_type, dict(spec.resource_labels),
                          dict(spec.metric_labels), spec.metric_kind, spec.value_type, unit=spec.unit,
                          sample_period=spec.sample_period)
        pts = spec.points(now, since=start - max(period, 60))
        if known is not None and known.ingest_delay:
            pts = [p for p in pts if p[0] <= visible]
        selected.append(raw_series(pts, base))
    try:
        result = aggregate(selected, start, end, aligner, period, reducer, list(agg.group_by_fields))
    except AggregationError as exc:
        emu.reject(context, f"ListTimeSeries: {exc}")
    result.sort(key=lambda s: (sorted(s.resource_labels.items()), sorted(s.metric_labels.items())))
    headers_only = request.view == t.ListTimeSeriesRequest.pb().TimeSeriesView.Value("HEADERS")
    response = t.ListTimeSeriesResponse.pb()()

    def add(s: SeriesData) -> int:
        ts = _time_series_pb(t, s, headers_only)
        response.time_series.append(ts)
        return ts.ByteSize()

    page_size = request.page_size if 0 < request.page_size <= MAX_PAGE_SIZE else MAX_PAGE_SIZE
    _, response.next_page_token = emu.page(result, page_size, request.page_token, context, add)
    return response


def _scenario_descriptor(emu: "GcpEmulator", project: str, metric_type: str) -> metrics.Metric | None:
    """The descriptor of a metric outside the table: as the scenario writes its series."""
    specs = emu.series_of(project, metric_type)
    if not specs:
        return None
    s = specs[0]
    return metrics.Metric(metric_type, s.metric_kind.upper(), s.value_type.upper(), s.unit, 60, 0, (), ())


def _time_series_pb(t, s: SeriesData, headers_only: bool):
    ts = t.TimeSeries.pb()()
    ts.metric.type = s.metric_type
    ts.metric.labels.update(s.metric_labels)
    ts.resource.type = s.resource_type
    ts.resource.labels.update(s.resource_labels)
    ts.metric_kind = _KIND[s.metric_kind]
    ts.value_type = _VTYPE[s.value_type]
    ts.unit = s.unit
    if headers_only:
        return ts
    for p in s.points:
        point = ts.points.add()
        point.interval.end_time.seconds = int(p.end)
        if p.start != p.end:
            point.interval.start_time.seconds = int(p.start)
        if s.value_type == "distribution":
            _fill_distribution(point.value.distribution_value, p.value)
        elif s.value_type == "int64":
            point.value.int64_value = int(round(p.value))
        elif s.value_type == "bool":
            point.value.bool_value = bool(p.value)
        else:
            point.value.double_value = float(p.value)
    return ts


def _fill_distribution(d, value: Dist) -> None:
    d.count = value.count
    d.mean = value.mean
    d.sum_of_squared_deviation = sum((x - d.mean) ** 2 for x in value.samples)
    d.bucket_options.exponential_buckets.num_finite_buckets = _BUCKETS
    d.bucket_options.exponential_buckets.growth_factor = 2.0
    d.bucket_options.exponential_buckets.scale = 0.001
    counts = [0] * (_BUCKETS + 2)
    for x in value.samples:
        i, bound = 0, 0.001
        while x >= bound and i < _BUCKETS + 1:
            i += 1
            bound *= 2
        counts[i] += 1
    d.bucket_counts.extend(counts)


def list_alert_policies(emu: "GcpEmulator", request, context):
    t = pb_types()
    try:
        project = project_of(request.name)
    except InvalidArgument as exc:
        emu.reject(context, f"ListAlertPolicies: {exc}")
    if request.filter:
        emu.reject(context, "ListAlertPolicies: filter is not supported by the emulator (list all and filter locally)")
    emu.suffer_faults("ListAlertPolicies", None, context)
    policies = [p for p in emu.scenario.alert_policies if p.project == project]
    page, next_token = emu.page(policies, request.page_size, request.page_token, context)
    response = t.ListAlertPoliciesResponse.pb()(next_page_token=next_token, total_size=len(policies))
    for p in page:
        pol = response.alert_policies.add()
        pol.name = f"projects/{project}/alertPolicies/{1000 + p.index}"
        pol.display_name = p.display_name
        pol.enabled.value = p.enabled
        pol.combiner = t.AlertPolicy.pb().ConditionCombinerType.Value("OR")
        if p.documentation:
            pol.documentation.content = p.documentation
            pol.documentation.mime_type = "text/markdown"
        pol.severity = t.AlertPolicy.pb().Severity.Value(p.severity)
        cond = pol.conditions.add()
        cond.name = f"{pol.name}/conditions/1"
        cond.display_name = p.display_name
        cond.condition_threshold.filter = p.filter
        cond.condition_threshold.comparison = int(t.ComparisonType[p.comparison])
        cond.condition_threshold.threshold_value = p.threshold
        cond.condition_threshold.duration.FromSeconds(int(p.duration))
    return response



_DESCRIPTOR_FILTER = re.compile(r'^\s*metric\.type\s*=\s*(?:"([^"]*)"|starts_with\("([^"]*)"\))\s*$')


def list_metric_descriptors(emu: "GcpEmulator", request, context):
    """Google's descriptors for the metrics in atlas's table, plus any other metric type the
    scenario serves in the project (as the GAUGE/DELTA/... the scenario gives it)."""
    t = pb_types()
    try:
        project = project_of(request.name)
    except InvalidArgument as exc:
        emu.reject(context, f"ListMetricDescriptors: {exc}")
    exact = prefix = None
    if request.filter:
        m = _DESCRIPTOR_FILTER.match(request.filter)
        if not m:
            emu.reject(context, "ListMetricDescriptors: the emulator filters on metric.type = \"T\" or "
                                "metric.type = starts_with(\"P\") only")
        exact, prefix = m.group(1), m.group(2)
    emu.suffer_faults("ListMetricDescriptors", None, context)
    found: dict[str, tuple[str, str, str]] = {m.type: (m.kind, m.value_type, m.unit) for m in metrics.table().values()}
    for spec in emu.scenario.series:
        if spec.project == project and spec.metric_type not in found:
            found[spec.metric_type] = (spec.metric_kind.upper(), spec.value_type.upper(), spec.unit)
    names = sorted(n for n in found if (exact is None or n == exact) and (prefix is None or n.startswith(prefix)))
    page, token = emu.page(names, request.page_size, request.page_token, context)
    response = t.ListMetricDescriptorsResponse.pb()(next_page_token=token)
    md = t.ListMetricDescriptorsResponse.pb()().metric_descriptors.add().__class__
    for name in page:
        kind, vtype, unit = found[name]
        d = response.metric_descriptors.add()
        d.name = f"projects/{project}/metricDescriptors/{name}"
        d.type = name
        d.metric_kind = md.MetricKind.Value(kind)
        d.value_type = md.ValueType.Value(vtype)
        d.unit = unit
        known = metrics.lookup(name)
        if known is not None:
            d.metadata.sample_period.FromSeconds(known.sample_period)
            d.metadata.ingest_delay.FromSeconds(known.ingest_delay)
            for label in known.labels:
                d.labels.add().key = label
    return response
