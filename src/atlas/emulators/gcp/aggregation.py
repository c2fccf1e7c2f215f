"""ListTimeSeries aggregation: per-series alignment, then cross-series reduction.

Follows Cloud Monitoring's rules closely enough that a query which works here works there:
ALIGN_RATE and ALIGN_DELTA only on DELTA/CUMULATIVE metrics, ALIGN_FRACTION_TRUE only on
BOOL, a reducer only after an aligner, raw points every sample period of the metric (an
alignment period shorter than it leaves periods empty, or interpolated for ALIGN_DELTA and
ALIGN_RATE), aligned points every alignment period on minute boundaries, newest first. Distributions are kept as sorted samples so percentiles are exact.
Pure: no gRPC, no protobuf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

MINUTE = 60


class AggregationError(ValueError):
    """A request Google would answer with INVALID_ARGUMENT; the message says why."""


# google.monitoring.v3.Aggregation.alignment_period: at most 104 weeks for ListTimeSeries
MAX_ALIGNMENT_PERIOD = 104 * 7 * 86400


@dataclass(frozen=True, slots=True)
class Dist:
    """A distribution value as its sorted samples."""

    samples: tuple[float, ...]

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def mean(self) -> float:
        return sum(self.samples) / len(self.samples) if self.samples else 0.0

    def percentile(self, q: float) -> float:
        if not self.samples:
            return 0.0
        return self.samples[max(0, math.ceil(q * len(self.samples)) - 1)]

    @staticmethod
    def merge(dists: list["Dist"]) -> "Dist":
        return Dist(tuple(sorted(s for d in dists for s in d.samples)))

    @staticmethod
    def with_p99(value: float, count: int = 100) -> "Dist":
        """A minute of observations whose 99th percentile (and maximum) is `value`: the
        scenario states the latency a dashboard would show; the spread is made up."""
        top = count - 2
        return Dist(tuple(value * (0.4 + 0.6 * min(i, top) / top) for i in range(count)))


Value = float | Dist


@dataclass(slots=True)
class Point:
    end: int  # epoch seconds
    start: int
    value: Value
    increment: Value | None = None  # cumulative only: the amount added in this minute


@dataclass(slots=True)
class SeriesData:
    metric_type: str
    resource_type: str
    resource_labels: dict[str, str]
    metric_labels: dict[str, str]
    metric_kind: str  # gauge | delta | cumulative
    value_type: str  # double | int64 | bool | distribution
    points: list[Point] = field(default_factory=list)  # newest first
    unit: str = ""
    sample_period: int = MINUTE  # seconds between raw points (the metric table's sample_period)


def raw_series(spec_points: list[tuple[int, float]], base: SeriesData) -> SeriesData:
    """The series as Google stores it, from per-sample scenario values (oldest first, one
    every `base.sample_period` s): gauges as given, deltas per sample period (a point's
    interval is the period it ends), cumulatives as running totals since the first point."""
    if base.metric_kind == "gauge" and base.value_type != "distribution":  # the common case, kept cheap
        base.points = [Point(t, t, v) for t, v in reversed(spec_points)]
        return base
    points: list[Point] = []
    total: Value = Dist(()) if base.value_type == "distribution" else 0.0
    step = base.sample_period
    first = spec_points[0][0] - step if spec_points else 0
    for t, v in spec_points:
        value: Value = Dist.with_p99(v) if base.value_type == "distribution" else v
        if base.metric_kind == "cumulative":
            total = Dist.merge([total, value]) if isinstance(value, Dist) else total + value
            points.append(Point(t, first, total, value))
        elif base.metric_kind == "delta":
            # an idle interval has no point at all: Google writes DELTA points only for
            # intervals in which something was counted (silence is absence, not zero)
            if (value.count if isinstance(value, Dist) else value) != 0:
                points.append(Point(t, t - step, value))
        else:
            points.append(Point(t, t, value))
    points.reverse()
    base.points = points
    return base


def increments(series: SeriesData) -> list[Point]:
    """Per-sample amounts (newest first): a cumulative's points remember their increment."""
    if series.metric_kind != "cumulative":
        return series.points
    step = series.sample_period
    return [Point(p.end, p.end - step, p.increment if p.increment is not None else p.value)
            for p in series.points]


def interpolated(amounts: list[Point], step: int) -> list[Point]:
    """Each amount spread evenly over the minutes of the sample period it covers (newest
    first). ALIGN_DELTA and ALIGN_RATE: "If the selected alignment period results in periods
    with no data, then the aligned value for such a period is created by interpolation"
    (google.monitoring.v3.Aggregation.Aligner); a linear interpolation of the running total
    between samples is this even spread, and a sum over minute-bounded periods keeps it."""
    n = step // MINUTE
    if n <= 1:
        return amounts
    out: list[Point] = []
    for p in amounts:
        share: Value
        for k in range(n):
            share = Dist(p.value.samples[k::n]) if isinstance(p.value, Dist) else p.value / n
            out.append(Point(p.end - k * MINUTE, p.end - (k + 1) * MINUTE, share))
    return out


def clip(series: SeriesData, start: float, end: float) -> SeriesData:
    return replace(series, points=[p for p in series.points if start <= p.end <= end])


# -- alignment ---------------------------------------------------------------------------------

_NEEDS_COUNTER = {"ALIGN_RATE", "ALIGN_DELTA"}
SUPPORTED_ALIGNERS = ("ALIGN_NONE", "ALIGN_MAX", "ALIGN_MIN", "ALIGN_MEAN", "ALIGN_SUM", "ALIGN_RATE",
                      "ALIGN_DELTA", "ALIGN_FRACTION_TRUE", "ALIGN_COUNT_TRUE", "ALIGN_COUNT_FALSE", "ALIGN_COUNT")
SUPPORTED_REDUCERS = ("REDUCE_NONE", "REDUCE_SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_MEAN", "REDUCE_COUNT",
                      "REDUCE_PERCENTILE_99", "REDUCE_PERCENTILE_95", "REDUCE_PERCENTILE_50")


def align(series: SeriesData, aligner: str, period: int, start: float, end: float) -> SeriesData:
    """One point per alignment period (t - period, t], t on minute boundaries, newest first."""
    if aligner in _NEEDS_COUNTER and series.metric_kind == "gauge":
        raise AggregationError(f"{aligner} is only valid for DELTA or CUMULATIVE metrics; "
                               f"{series.metric_type} is a GAUGE")
    if aligner == "ALIGN_FRACTION_TRUE" and series.value_type != "bool":
        raise AggregationError(f"ALIGN_FRACTION_TRUE is only valid for BOOL metrics; {series.metric_type} "
                               f"is {series.value_type.upper()}")
    if series.value_type == "distribution" and aligner not in ("ALIGN_DELTA", "ALIGN_SUM", "ALIGN_MEAN"):
        raise AggregationError(f"{aligner} is not valid for the DISTRIBUTION metric {series.metric_type} "
                               "(use ALIGN_DELTA, ALIGN_SUM or ALIGN_MEAN)")
    if aligner in ("ALIGN_RATE", "ALIGN_DELTA"):
        amounts = interpolated(increments(series), series.sample_period)
    else:  # every other aligner reads the points it has: a period between samples stays empty
        amounts = series.points
    anchor = int(end // MINUTE) * MINUTE
    gauge_out = _gauge_out(aligner, series)
    kind = "gauge" if gauge_out else "delta"
    value_type = _aligned_type(aligner, series.value_type)
    if period == MINUTE:
        # fast path (the common case, and 10,000 series deep in benchmarks): raw points sit on
        # minute boundaries, so every one-minute window holds at most one of them
        out = [Point(p.end, p.end if gauge_out else p.end - MINUTE, _align_values(aligner, [p.value], period))
               for p in amounts if start <= p.end <= anchor]
        return SeriesData(series.metric_type, series.resource_type, series.resource_labels, series.metric_labels,
                          kind, value_type, out, series.unit)
    out: list[Point] = []
    t = anchor
    idx = 0
    while t >= start:
        window: list[Value] = []
        while idx < len(amounts) and amounts[idx].end > t:
            idx += 1
        j = idx
        while j < len(amounts) and amounts[j].end > t - period:
            if amounts[j].end >= start:
                window.append(amounts[j].value)
            j += 1
        if window:
            out.append(Point(t, t if gauge_out else t - period, _align_values(aligner, window, period)))
        t -= period
    return SeriesData(series.metric_type, series.resource_type, series.resource_labels, series.metric_labels,
                      kind, value_type, out, series.unit)


def _gauge_out(aligner: str, series: SeriesData) -> bool:
    return not (aligner == "ALIGN_DELTA" or (aligner == "ALIGN_SUM" and series.metric_kind != "gauge"))


def _aligned_type(aligner: str, value_type: str) -> str:
    if aligner in ("ALIGN_RATE", "ALIGN_MEAN", "ALIGN_FRACTION_TRUE"):
        return "double"
    if aligner in ("ALIGN_COUNT_TRUE", "ALIGN_COUNT_FALSE", "ALIGN_COUNT"):
        return "int64"
    if value_type == "bool" and aligner == "ALIGN_SUM":
        return "int64"
    return value_type


def _align_values(aligner: str, window: list[Value], period: int) -> Value:
    if isinstance(window[0], Dist):
        merged = Dist.merge(window)  # type: ignore[arg-type]
        return merged.mean if aligner == "ALIGN_MEAN" else merged
    nums: list[float] = window  # type: ignore[assignment]
    if aligner == "ALIGN_MAX":
        return max(nums)
    if aligner == "ALIGN_MIN":
        return min(nums)
    if aligner in ("ALIGN_MEAN", "ALIGN_FRACTION_TRUE"):
        return sum(nums) / len(nums)
    if aligner == "ALIGN_COUNT_TRUE":
        return float(sum(1 for v in nums if v))
    if aligner == "ALIGN_COUNT_FALSE":
        return float(sum(1 for v in nums if not v))
    if aligner == "ALIGN_COUNT":
        return float(len(nums))
    if aligner == "ALIGN_RATE":
        return sum(nums) / period
    return sum(nums)  # ALIGN_SUM, ALIGN_DELTA


# -- reduction ---------------------------------------------------------------------------------

def group_key_getter(field_name: str):
    parts = field_name.split(".")
    if len(parts) == 3 and parts[0] in ("resource", "metric") and parts[1] in ("labels", "label"):
        key = parts[2]
        if parts[0] == "resource":
            return lambda s: ("resource", key, s.resource_labels.get(key))
        return lambda s: ("metric", key, s.metric_labels.get(key))
    if field_name == "resource.type":
        return lambda s: ("resource.type", "", s.resource_type)
    raise AggregationError(f"group_by_fields entry {field_name!r} is not supported "
                           "(use resource.labels.KEY, metric.labels.KEY or resource.type)")


def reduce(series: list[SeriesData], reducer: str, group_by: list[str]) -> list[SeriesData]:
    getters = [group_key_getter(f) for f in group_by]
    groups: dict[tuple, list[SeriesData]] = {}
    for s in series:
        groups.setdefault(tuple(g(s) for g in getters), []).append(s)
    out = []
    for key, members in groups.items():
        first = members[0]
        labels = _group_labels(key, first)
        if len(members) == 1 and reducer != "REDUCE_COUNT" and first.value_type != "distribution":
            # one series per group (grouped by the identifying label): every reducer but
            # COUNT gives back the series' own values
            out.append(SeriesData(first.metric_type, labels[0], labels[1], labels[2],
                                  "delta" if first.metric_kind == "delta" and reducer == "REDUCE_SUM" else "gauge",
                                  _reduced_type(reducer, first.value_type),
                                  first.points if first.metric_kind == "delta" and reducer == "REDUCE_SUM"
                                  else [Point(p.end, p.end, p.value) for p in first.points], first.unit))
            continue
        by_time: dict[int, list[Value]] = {}
        for s in members:
            for p in s.points:
                by_time.setdefault(p.end, []).append(p.value)
        points = [Point(t, t, _reduce_values(reducer, by_time[t])) for t in sorted(by_time, reverse=True)]
        if first.metric_kind == "delta" and reducer == "REDUCE_SUM":
            starts = {p.end: p.start for s in members for p in s.points}
            points = [Point(p.end, starts[p.end], p.value) for p in points]
        out.append(SeriesData(
            metric_type=first.metric_type, resource_type=labels[0], resource_labels=labels[1],
            metric_labels=labels[2], metric_kind="delta" if first.metric_kind == "delta" and reducer == "REDUCE_SUM" else "gauge",
            value_type=_reduced_type(reducer, first.value_type), points=points, unit=first.unit))
    return out


def _group_labels(key: tuple, first: SeriesData) -> tuple[str, dict[str, str], dict[str, str]]:
    """The labels a reduced series keeps: only the group-by fields, as Google does."""
    return (next((v for scope, _, v in key if scope == "resource.type"), first.resource_type),
            {k: v for scope, k, v in key if scope == "resource" and v is not None},
            {k: v for scope, k, v in key if scope == "metric" and v is not None})


def _reduced_type(reducer: str, value_type: str) -> str:
    if reducer == "REDUCE_COUNT":
        return "int64"
    if reducer == "REDUCE_MEAN" or reducer.startswith("REDUCE_PERCENTILE"):
        return "double"
    if value_type == "bool" and reducer == "REDUCE_SUM":
        return "int64"
    return value_type


def _reduce_values(reducer: str, values: list[Value]) -> Value:
    if reducer == "REDUCE_COUNT":
        return float(len(values))
    if isinstance(values[0], Dist):
        merged = Dist.merge(values)  # type: ignore[arg-type]
        if reducer.startswith("REDUCE_PERCENTILE"):
            return merged.percentile(int(reducer.rsplit("_", 1)[1]) / 100)
        if reducer == "REDUCE_MEAN":
            return merged.mean
        if reducer == "REDUCE_SUM":
            return merged
        raise AggregationError(f"{reducer} is not valid for DISTRIBUTION values "
                               "(use REDUCE_SUM, REDUCE_MEAN or a REDUCE_PERCENTILE_*)")
    nums: list[float] = sorted(values)  # type: ignore[arg-type]
    if reducer == "REDUCE_SUM":
        return sum(nums)
    if reducer == "REDUCE_MAX":
        return nums[-1]
    if reducer == "REDUCE_MIN":
        return nums[0]
    if reducer == "REDUCE_MEAN":
        return sum(nums) / len(nums)
    q = int(reducer.rsplit("_", 1)[1]) / 100  # percentile across series: linear interpolation
    pos = q * (len(nums) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(nums) - 1)
    return nums[lo] + (nums[hi] - nums[lo]) * (pos - lo)


def aggregate(series: list[SeriesData], start: float, end: float, aligner: str, period: int, reducer: str,
              group_by: list[str]) -> list[SeriesData]:
    """The whole ListTimeSeries aggregation, in Google's order: align, then reduce."""
    if aligner not in SUPPORTED_ALIGNERS:
        raise AggregationError(f"per_series_aligner {aligner} is not supported by the emulator "
                               f"(supported: {', '.join(SUPPORTED_ALIGNERS)})")
    if reducer not in SUPPORTED_REDUCERS:
        raise AggregationError(f"cross_series_reducer {reducer} is not supported by the emulator "
                               f"(supported: {', '.join(SUPPORTED_REDUCERS)})")
    for field_name in group_by:
        group_key_getter(field_name)  # refuse a bad field even when nothing matched
    if aligner == "ALIGN_NONE":
        if reducer != "REDUCE_NONE":
            raise AggregationError(f"cross_series_reducer {reducer} needs a per_series_aligner other than ALIGN_NONE")
        if group_by:
            raise AggregationError("group_by_fields needs a cross_series_reducer")
        return [clip(s, start, end) for s in series]
    if period <= 0:
        raise AggregationError("alignment_period is required (at least 60s) when per_series_aligner is set")
    if period % MINUTE:
        raise AggregationError(f"alignment_period {period}s must be a whole number of minutes")
    # google.monitoring.v3.Aggregation.alignment_period: "The value must be at least 60
    # seconds ... The maximum value of the alignment_period is 104 weeks (2 years) for charts,
    # and 90,000 seconds (25 hours) for alerting policies." ListTimeSeries takes the former.
    if period > MAX_ALIGNMENT_PERIOD:
        raise AggregationError(f"alignment_period {period}s is longer than the maximum of 104 weeks")
    aligned = [align(s, aligner, period, start, end) for s in series]
    if reducer == "REDUCE_NONE":
        if group_by:
            raise AggregationError("group_by_fields needs a cross_series_reducer")
        return [s for s in aligned if s.points]
    return [s for s in reduce(aligned, reducer, group_by) if s.points]
