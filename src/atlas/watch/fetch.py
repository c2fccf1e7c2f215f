"""Run one WatchQuery against Cloud Monitoring: series keyed by their grouping metric labels.

The request is built by the health adapter's own `build_request` (a WatchQuery has the
fields it reads), so the watch sends what health sends: raw protobuf, the API's page size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.watch.plan import WatchQuery

Point = tuple[float, float]


@dataclass(slots=True)
class QueryResult:
    # (values of the group labels, in order) -> points (epoch s of the aligned end, value), oldest first
    series: dict[tuple[str, ...], list[Point]] = field(default_factory=dict)
    calls: int = 0

    def of(self, position: int, value: str) -> dict[tuple[str, ...], list[Point]]:
        """The series whose label at `position` is `value` (e.g. one experiment's)."""
        return {k: v for k, v in self.series.items() if k[position] == value}


def _number(typed) -> float | None:
    kind = typed.WhichOneof("value")
    if kind == "double_value":
        return typed.double_value
    if kind == "int64_value":
        return float(typed.int64_value)
    return None  # a percentile reducer answers DOUBLE; anything else is not what was asked


def run_query(client, query: WatchQuery, now: float, *, retry, timeout: float) -> QueryResult:
    """One ListTimeSeries (plus pages); raises the client's exceptions."""
    from google.cloud import monitoring_v3

    from atlas.health.monitoring import build_request

    request = monitoring_v3.ListTimeSeriesRequest(build_request(query, now))
    names = query.key.group_labels
    result = QueryResult(calls=1)
    pager = client.list_time_series(request=request, retry=retry, timeout=timeout)
    for i, page in enumerate(pager.pages):
        result.calls += 1 if i else 0
        for ts in monitoring_v3.ListTimeSeriesResponse.pb(page).time_series:
            key = tuple(ts.metric.labels.get(n, "") for n in names)
            pts = result.series.setdefault(key, [])
            for p in ts.points:
                v = _number(p.value)
                if v is not None:
                    end = p.interval.end_time
                    pts.append((end.seconds + end.nanos / 1e9, v))
    for pts in result.series.values():
        pts.sort()
    return result
