"""Every status, with the reason a person reads on the incident call."""

from __future__ import annotations

from atlas.catalog.model import Component
from atlas.health import evaluate
from atlas.health.model import iso8601, Status
from atlas.health.specs import resolve

from .builders import NOW, failed_signal, grpc_error_ratio, job, lag_signal

MIN = 60.0


def lag(**kw):
    return resolve(lag_signal(**kw), job("clickstream-sessionizer"))


def test_crit_names_the_value_the_threshold_and_the_age():
    s = evaluate.evaluate_points(lag(), [(NOW - 10 * MIN, 50.0), (NOW - 2 * MIN, 412.0)], NOW)
    assert s.status is Status.CRIT
    assert s.reason == "system_lag 412 s > crit 300 s, 2 min ago"
    assert (s.value, s.unit, s.observed_at) == (412.0, "s", NOW - 2 * MIN)
    assert s.points[0] == (NOW - 10 * MIN, 50.0)


def test_warn_and_ok():
    warn = evaluate.evaluate_points(lag(), [(NOW - 30, 80.0)], NOW)
    assert (warn.status, warn.reason) == (Status.WARN, "system_lag 80 s > warn 60 s, just now")
    ok = evaluate.evaluate_points(lag(), [(NOW - 3 * MIN, 12.0)], NOW)
    assert (ok.status, ok.reason) == (Status.OK, "system_lag 12 s (warn above 60 s), 3 min ago")


def test_below_direction_for_ratios_that_should_stay_high():
    hit = lag(name="cache_hit_ratio", direction="below", warn=0.8, crit=0.5, unit="")
    s = evaluate.evaluate_points(hit, [(NOW - MIN, 0.72)], NOW)
    assert (s.status, s.reason) == (Status.WARN, "cache_hit_ratio 0.72 < warn 0.8, 1 min ago")


def test_no_point_in_the_lookback_is_no_data():
    s = evaluate.evaluate_points(lag(), [], NOW)
    assert s.status is Status.NO_DATA
    assert s.reason == "no data in the last 60 min"
    assert s.value is None
    too_old = evaluate.evaluate_points(lag(), [(NOW - 5 * 3600, 1.0)], NOW)
    assert too_old.status is Status.NO_DATA


def test_a_series_that_went_quiet_is_stale_and_keeps_its_last_value():
    s = evaluate.evaluate_points(lag(), [(NOW - 42 * MIN, 3.0)], NOW)
    assert s.status is Status.STALE
    assert s.reason == "system_lag: newest point 42 min old (stale after 30 min), last value 3 s"
    assert s.value == 3.0
    tight = evaluate.evaluate_points(lag(stale_after=300), [(NOW - 6 * MIN, 3.0)], NOW)
    assert tight.status is Status.STALE


def test_is_failed_gauge_is_crit_above_zero():
    spec = resolve(failed_signal(), job("feature-backfill"))
    s = evaluate.evaluate_points(spec, [(NOW - MIN, 1.0)], NOW)
    assert (s.status, s.reason) == (Status.CRIT, "is_failed = 1, 1 min ago")


def svc(cid="ranker-svc"):
    return Component(id=cid, kind="grpc_service", project="proj-b",
                     labels={"cluster": "serving-prod", "namespace": "recs", "job": cid})


def test_grpc_error_ratio_from_code_grouped_series():
    spec = resolve(grpc_error_ratio(), svc())
    t = NOW - MIN
    s = evaluate.evaluate_ratio(spec, {"OK": [(t, 94.0)], "UNAVAILABLE": [(t, 4.0)], "INTERNAL": [(t, 2.0)]}, NOW)
    assert s.status is Status.CRIT
    assert s.value == 6.0
    assert s.reason == "grpc error ratio 6 % > crit 5 %, 1 min ago"
    healthy = evaluate.evaluate_ratio(spec, {"OK": [(t, 999.0)], "NOT_FOUND": [(t, 1.0)]}, NOW)
    assert healthy.status is Status.OK and healthy.value == 0.1


def test_cloud_run_5xx_share_counts_only_the_listed_class():
    spec = resolve(grpc_error_ratio(id="run-5xx", name="5xx share", ratio_label="response_code_class",
                                    ratio_bad=("5xx",), ratio_bad_mode="include", unit="", warn=0.01, crit=0.05),
                   svc("explain-svc"))
    t = NOW - MIN
    s = evaluate.evaluate_ratio(spec, {"2xx": [(t, 96.0)], "4xx": [(t, 2.0)], "5xx": [(t, 2.0)]}, NOW)
    assert (s.status, s.value) == (Status.WARN, 0.02)
    assert s.reason.startswith("5xx share 0.02 > warn 0.01")


def test_ratio_without_traffic_is_undefined_not_ok():
    spec = resolve(grpc_error_ratio(), svc())
    s = evaluate.evaluate_ratio(spec, {"OK": [(NOW - MIN, 0.0)]}, NOW)
    assert s.status is Status.NO_DATA
    assert "no requests" in s.reason
    assert evaluate.evaluate_ratio(spec, {}, NOW).status is Status.NO_DATA


def test_ratio_uses_the_newest_timestamp_only():
    spec = resolve(grpc_error_ratio(), svc())
    old, new = NOW - 5 * MIN, NOW - MIN
    s = evaluate.evaluate_ratio(spec, {"OK": [(old, 50.0), (new, 100.0)], "INTERNAL": [(old, 50.0)]}, NOW)
    assert (s.status, s.value) == (Status.OK, 0.0)
    assert [v for _, v in s.points] == [50.0, 0.0]


def model_freshness():
    return lag_signal(id="model-age", name="ranker age", kinds=("model",), type="freshness",
                      metric_type="custom.googleapis.com/model/version_created", window=3600,
                      warn=30 * 3600, crit=36 * 3600)


def test_freshness_is_the_age_of_the_newest_point():
    spec = resolve(model_freshness(), job("ranker"))
    assert spec.lookback >= 72 * 3600  # must see points older than the crit age at all
    s = evaluate.evaluate_points(spec, [(NOW - 41 * 3600, 7.0)], NOW)
    assert s.status is Status.CRIT
    assert s.value == 41 * 3600
    assert s.reason == "ranker age: newest 41 h old > crit 36 h (at Sep 19 21:13)"
    assert s.since == NOW - 41 * 3600 + 30 * 3600  # failing since it crossed warn (30 h), not crit
    fresh = evaluate.evaluate_points(spec, [(NOW - 2 * 3600, 8.0)], NOW)
    assert (fresh.status, fresh.reason) == (Status.OK, "ranker age: newest 2 h old (at 12:13)")


def test_log_freshness_and_log_counts():
    spec = resolve(lag_signal(id="dag-log", name="dag heartbeat", type="freshness", metric_type="",
                              log_filter='resource.labels.job_name="{job_name}"', warn=600, crit=1800), job("dag"))
    assert spec.uses_logs
    assert evaluate.freshness(spec, NOW - 900, NOW).status is Status.WARN
    assert evaluate.freshness(spec, None, NOW).status is Status.NO_DATA
    errors = resolve(lag_signal(id="errs", name="error logs", type="log", metric_type="", unit="",
                                log_filter='resource.labels.job_name="{job_name}"', warn=1, crit=10), job("j"))
    assert evaluate.evaluate_log_count(errors, 0, NOW).reason == "error logs 0 entries (warn above 1) in the last 15 min"
    crit = evaluate.evaluate_log_count(errors, 1000, NOW, capped=True)
    assert (crit.status, crit.reason) == (Status.CRIT, "error logs >=1000 entries > crit 10 in the last 15 min")


def test_a_failed_query_is_error_and_keeps_the_last_value_and_its_age():
    spec = lag()
    before = evaluate.evaluate_points(spec, [(NOW - 6 * MIN, 3.0)], NOW - 5 * MIN)
    s = evaluate.failed(spec, "permission denied on nw-recs-data-prod", before, NOW)
    assert s.status is Status.ERROR
    assert s.reason == "query failed: permission denied on nw-recs-data-prod (last value 3 s at 14:07, 6 min old)"
    assert (s.value, s.observed_at) == (3.0, NOW - 6 * MIN)
    first = evaluate.failed(spec, "service unavailable at emulator 127.0.0.1:1", None, NOW)
    assert (first.status, first.value, first.reason) == (
        Status.ERROR, None, "query failed: service unavailable at emulator 127.0.0.1:1")
    # `triage --at` an hour back after a live refresh: the live value is not that moment's
    replay = evaluate.failed(spec, "service unavailable at emulator 127.0.0.1:1", before, NOW - 3600)
    assert (replay.value, replay.reason) == (None, "query failed: service unavailable at emulator 127.0.0.1:1")


def test_a_signal_that_cannot_be_queried_says_why():
    broken = job("x")
    broken.labels = {}
    s = evaluate.unqueryable(resolve(lag_signal(), broken))
    assert s.status is Status.ERROR
    assert s.reason == ("cannot query: component x has no label 'job_name' needed by signal dataflow-system-lag "
                        "(add it under [component.labels])")


def test_json_shape_of_a_signal():
    s = evaluate.evaluate_points(lag(), [(NOW - 2 * MIN, 412.0)], NOW)
    # a single failing point: failing since its period began, at least (ISO 8601 UTC)
    assert s.to_json() == {"name": "dataflow-system-lag", "status": "CRIT", "value": 412.0, "unit": "s",
                           "observed_at": NOW - 2 * MIN, "since": iso8601(NOW - 3 * MIN),
                           "reason": "system_lag 412 s > crit 300 s, 2 min ago"}


def test_ok_after_failing_says_when_it_recovered_and_failing_says_since_when():
    from atlas.health.readable import onset

    spec = lag()
    points = [(NOW - m * MIN, 400.0) for m in range(30, 10, -1)] + [(NOW - m * MIN, 12.0) for m in range(10, 0, -1)]
    ok = evaluate.evaluate_points(spec, points, NOW)
    assert ok.status is Status.OK and ok.since == NOW - 11 * MIN
    assert onset(ok.status.value, ok.since, NOW) == "recovered 11 min ago"
    crit = evaluate.evaluate_points(spec, points[:20], NOW - 10 * MIN)
    assert crit.status is Status.CRIT and onset(crit.status.value, crit.since, NOW) == "failing for 31 min"
    steady = evaluate.evaluate_points(spec, [(NOW - m * MIN, 12.0) for m in range(10, 0, -1)], NOW)
    assert steady.since is None  # never failing in the look-back: nothing to date


def test_a_warn_that_turned_crit_has_been_failing_since_the_warn_began():
    spec = lag()  # warn 60 s, crit 300 s
    points = ([(NOW - m * MIN, 10.0) for m in range(40, 30, -1)] + [(NOW - m * MIN, 120.0) for m in range(30, 5, -1)]
              + [(NOW - m * MIN, 400.0) for m in range(5, 0, -1)])
    crit = evaluate.evaluate_points(spec, points, NOW)
    assert crit.status is Status.CRIT and crit.since == NOW - 31 * MIN  # not 6 min: the WARN came first
    improving = evaluate.evaluate_points(spec, points[:-5] + [(NOW - m * MIN, 120.0) for m in range(5, 0, -1)], NOW)
    assert improving.status is Status.WARN and improving.since == NOW - 31 * MIN


def test_a_component_with_an_old_warn_and_a_fresh_crit_has_been_failing_since_the_warn():
    from atlas.health.model import SignalStatus
    from atlas.health.rollup import component_health

    old_warn = SignalStatus("x", "a", Status.WARN, "a", since=NOW - 3 * 3600)
    new_crit = SignalStatus("x", "b", Status.CRIT, "b", since=NOW - 600)
    assert component_health("x", [old_warn, new_crit]).since == NOW - 3 * 3600
