"""Health reasons read like a person wrote them, while the JSON fields stay numbers."""

from __future__ import annotations

from atlas.catalog.model import SignalTemplate
from atlas.health import evaluate
from atlas.health.model import Status
from atlas.health.specs import resolve
from tests.health.builders import NOW, failed_signal, job

MIN = 60.0


def rows_written(**kw) -> SignalTemplate:
    base = dict(id="bigquery-uploaded-rows", name="rows written", kinds=("dataflow_job",), type="metric",
                metric_type="bigquery.googleapis.com/storage/uploaded_row_count", resource_type="dataflow_job",
                resource_labels=("job_name",), aligner="ALIGN_RATE", reducer="REDUCE_SUM", alignment_period=300,
                window=3600, unit="rows/s", direction="below", warn=0.001)
    base.update(kw)
    return SignalTemplate(**base)


def test_a_rate_stuck_at_zero_says_nothing_happened_and_for_how_long():
    spec = resolve(rows_written(), job("features"))
    points = [(NOW - 50 * MIN, 12.0), (NOW - 40 * MIN, 0.0), (NOW - 30 * MIN, 0.0), (NOW - MIN, 0.0)]
    s = evaluate.evaluate_points(spec, points, NOW)
    # zero since the point ending 40 min ago, which covered the 5 min before it
    assert (s.status, s.reason) == (Status.WARN, "no rows written in the last 45 min (warn below 0.001 rows/s)")
    assert (s.value, s.unit, s.observed_at) == (0.0, "rows/s", NOW - MIN)


def test_a_rate_named_rate_reads_zero_for():
    spec = resolve(rows_written(name="publish rate", unit="req/s"), job("clicks"))
    s = evaluate.evaluate_points(spec, [(NOW - 15 * MIN, 0.0), (NOW - MIN, 0.0)], NOW)
    assert s.reason == "publish rate zero for the last 20 min (warn below 0.001 req/s)"


def test_a_small_but_nonzero_rate_keeps_the_comparison():
    spec = resolve(rows_written(), job("features"))
    s = evaluate.evaluate_points(spec, [(NOW - MIN, 0.0005)], NOW)
    assert (s.status, s.reason) == (Status.WARN, "rows written 0.0005 rows/s < warn 0.001 rows/s, 1 min ago")


def test_a_failed_flag_reads_as_a_sentence_with_the_gauge():
    spec = resolve(failed_signal(name="job failed"), job("feature-backfill"))
    failed = evaluate.evaluate_points(spec, [(NOW - MIN, 1.0)], NOW)
    assert (failed.status, failed.reason) == (Status.CRIT, "job failed (is_failed = 1), 1 min ago")
    assert (failed.value, failed.to_json()["value"]) == (1.0, 1.0)
    fine = evaluate.evaluate_points(spec, [(NOW - MIN, 0.0)], NOW)
    assert (fine.status, fine.reason) == (Status.OK, "job failed: no (is_failed = 0), 1 min ago")


def test_a_healthy_flag_below_its_threshold_says_no():
    spec = resolve(failed_signal(name="environment healthy", metric_type="composer.googleapis.com/environment/healthy",
                                 direction="below", warn=1, crit=0.5), job("recs-data-prod"))
    s = evaluate.evaluate_points(spec, [(NOW - MIN, 0.0)], NOW)
    assert (s.status, s.reason) == (Status.CRIT, "environment healthy: no (healthy = 0), 1 min ago")


def test_a_ratio_between_zero_and_one_is_not_mistaken_for_a_flag():
    spec = resolve(failed_signal(name="memory usage", metric_type="redis.googleapis.com/stats/memory/usage_ratio",
                                 warn=0.8, crit=0.9), job("feature-cache"))
    s = evaluate.evaluate_points(spec, [(NOW - MIN, 1.0)], NOW)
    assert s.reason == "memory usage 1 > crit 0.9, 1 min ago"
