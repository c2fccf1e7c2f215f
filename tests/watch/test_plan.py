"""The watch's queries, pure: one per distinct metric, split only to stay under Google's
2,048-character filter limit, and the request counter reaching back to the oldest merge."""

from __future__ import annotations

import tomllib

from atlas.health.planner import MAX_FILTER
from atlas.watch.plan import MAX_LOOKBACK, WatchTarget, plan_watch
from atlas.watch.spec import parse_watch

from .conftest import HOUR, NOW, SAMPLE_TEMPLATES


def spec():
    raw = tomllib.loads(SAMPLE_TEMPLATES.read_text())["experiment_template"][0]["watch"]
    return parse_watch("ranker", raw)[0]


def test_experiments_share_one_request_per_metric_with_the_longest_lookback():
    s = spec()
    targets = [WatchTarget("exp-a", s, NOW - 5 * HOUR, "item_age_hours"), WatchTarget("exp-b", s, NOW - 30 * HOUR, ""),
               WatchTarget("exp-c", s, None, "item_age_hours")]
    queries = plan_watch(targets[:2], NOW)
    assert [q.key.role for q in queries] == ["requests", "latency", "feature"]
    requests = queries[0]
    assert requests.values == ["exp-a", "exp-b"] and requests.lookback == 30 * HOUR
    assert requests.filter == ('metric.type = "prometheus.googleapis.com/ranker_experiment_requests_total/counter" AND '
                               'resource.type = "prometheus_target" AND resource.labels.cluster = "serving-prod" AND '
                               'resource.labels.job = "ranker-svc" AND resource.labels.namespace = "recs" AND '
                               'metric.labels.experiment = one_of("exp-a","exp-b")')
    assert requests.group_by == ["metric.labels.experiment", "metric.labels.arm", "metric.labels.model_alias",
                                 "metric.labels.grpc_code"]
    assert queries[2].values == ["item_age_hours"]  # only exp-a turns a feature on
    # a manifest that does not say when it merged reads as far back as Monitoring keeps
    assert plan_watch(targets, NOW)[0].lookback == MAX_LOOKBACK


def test_many_experiments_split_into_requests_under_the_filter_limit():
    s = spec()
    targets = [WatchTarget(f"exp-ranker-a-long-experiment-name-{i:04d}", s, NOW - HOUR, "") for i in range(300)]
    queries = [q for q in plan_watch(targets, NOW) if q.key.role == "requests"]
    assert len(queries) > 1
    assert all(len(q.filter) <= MAX_FILTER for q in queries)
    assert sorted(v for q in queries for v in q.values) == sorted(t.experiment for t in targets)
