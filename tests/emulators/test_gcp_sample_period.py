"""Points come at each metric's sample period, as Google writes them: a 300 s metric has a
point every 300 s, so a 60 s alignment over it leaves four periods in five empty (ALIGN_DELTA
and ALIGN_RATE interpolate them instead), and a DELTA point covers one sample period.
Through the real google-cloud-monitoring client over loopback."""

from __future__ import annotations

import pytest
from google.cloud import monitoring_v3

from atlas import metrictable as metrics
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import ScenarioError, scenario_from_dict

from .clients import NO_RETRY, metric_client

# 220 s past a multiple of 300 s: the newest sample is past its 120 s ingestion delay
NOW = 5_966_667 * 300 + 220.0
HEALTHY = "composer.googleapis.com/environment/healthy"
CUSTOM = "custom.googleapis.com/batch/rows"
TOTAL = "custom.googleapis.com/batch/rows_total"
RUNS = "custom.googleapis.com/batch/runs"


@pytest.fixture(scope="module")
def client():
    scenario = scenario_from_dict({"scenario": {"project": "p", "history": "-60m"}, "series": [
        {"metric_type": HEALTHY, "resource_type": "cloud_composer_environment",
         "resource_labels": {"environment_name": "prod"}, "values": [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]},
        # a user-defined counter its writer flushes every 5 min: 50 rows a flush
        {"metric_type": CUSTOM, "resource_type": "global", "resource_labels": {"job": "load"},
         "metric_kind": "delta", "value_type": "int64", "sample_period": "5m", "constant": 50},
        {"metric_type": TOTAL, "resource_type": "global", "resource_labels": {"job": "load"},
         "metric_kind": "cumulative", "value_type": "int64", "sample_period": "5m", "constant": 50, "history": "-20m"},
        # an hourly batch counted by a 5 min counter: the run at -12m lands in the point ending at or after it
        {"metric_type": RUNS, "resource_type": "global", "resource_labels": {"job": "load"},
         "metric_kind": "delta", "value_type": "int64", "sample_period": "5m",
         "pulse": {"every": "1h", "last": "-12m"}, "history": "-3h"},
    ]})
    with GcpEmulator(scenario, now=lambda: NOW) as emu:
        yield metric_client(emu.address)


def _list(client, metric_type, aligner="ALIGN_NONE", period=0, minutes=30):
    agg = {"per_series_aligner": aligner}
    if period:
        agg["alignment_period"] = {"seconds": period}
    request = monitoring_v3.ListTimeSeriesRequest(
        name="projects/p", filter=f'metric.type = "{metric_type}"', aggregation=agg,
        interval={"start_time": {"seconds": int(NOW - minutes * 60)}, "end_time": {"seconds": int(NOW)}})
    (series,) = client.list_time_series(request=request, retry=NO_RETRY, timeout=5)
    out = []
    for p in series.points:  # a gauge point's interval has no start_time (it is its end)
        end = p.interval.end_time.timestamp()
        out.append((p.interval.start_time.timestamp() if p.interval.start_time else end, end, p.value))
    return out


def test_a_300_s_metric_has_a_point_every_300_s_on_its_grid(client):
    assert metrics.lookup(HEALTHY).sample_period == 300
    points = _list(client, HEALTHY)
    ends = [end for _, end, _ in points]
    assert len(ends) == 6  # 30 min of a 300 s metric
    assert all(end % 300 == 0 for end in ends)
    assert [a - b for a, b in zip(ends, ends[1:])] == [300] * 5  # newest first
    # the newest sample is the last of `values` (values count points, not minutes)
    assert NOW - ends[0] == 220
    assert [p[2].bool_value for p in points[:4]] == [True, True, False, True]


def test_a_60_s_alignment_over_it_leaves_four_periods_in_five_empty(client):
    per_minute = _list(client, HEALTHY, "ALIGN_FRACTION_TRUE", period=60)
    per_sample = _list(client, HEALTHY, "ALIGN_FRACTION_TRUE", period=300)
    assert len(per_minute) == 6  # 30 one-minute periods asked for, 6 with a sample in them
    assert [v.double_value for *_, v in per_minute] == [v.double_value for *_, v in per_sample]
    gaps = [a[1] - b[1] for a, b in zip(per_minute, per_minute[1:])]
    assert gaps == [300] * 5
    assert NOW - per_minute[0][1] >= 180  # the newest minute periods are empty, not "now"


def test_a_delta_point_covers_its_sample_period(client):
    points = _list(client, CUSTOM)
    assert all(end - start == 300 and v.int64_value == 50 for start, end, v in points)


def test_a_cumulative_counts_from_its_first_sample_period(client):
    # 20 min of history: five samples, the oldest at NOW - 220 - 1200; the 20 min asked for hold four
    points = _list(client, TOTAL, minutes=20)
    assert [v.int64_value for *_, v in points] == [250, 200, 150, 100]  # running totals, newest first
    first_sample = NOW - 220 - 1200
    assert {start for start, *_ in points} == {first_sample - 300}  # the first point counted one period


def test_a_pulse_is_counted_by_the_sample_period_that_holds_it(client):
    points = _list(client, RUNS, minutes=180)
    ends = [end for _, end, _ in points]
    assert len(ends) == 3 and all(v.int64_value == 1 for *_, v in points)  # no point between runs
    for end, run in zip(ends, (NOW - 12 * 60, NOW - 72 * 60, NOW - 132 * 60)):
        assert end - 300 < run <= end


def test_align_delta_and_rate_interpolate_the_periods_between_samples(client):
    # Google: "If the selected alignment period results in periods with no data, then the
    # aligned value for such a period is created by interpolation" (Aggregation.Aligner)
    deltas = _list(client, CUSTOM, "ALIGN_DELTA", period=60, minutes=20)
    assert {v.int64_value for *_, v in deltas} == {10}  # 50 rows over 5 minutes: 10 a minute
    rates = _list(client, CUSTOM, "ALIGN_RATE", period=60, minutes=20)
    assert {round(v.double_value, 6) for *_, v in rates} == {round(50 / 300, 6)}
    # ALIGN_SUM does not interpolate: each sample lands whole in the minute it ends
    sums = _list(client, CUSTOM, "ALIGN_SUM", period=60, minutes=20)
    assert {v.int64_value for *_, v in sums} == {50} and len(sums) == 4


def test_a_scenario_may_not_contradict_googles_sample_period():
    with pytest.raises(ScenarioError, match="every 300 s, not 60 s"):
        scenario_from_dict({"series": [{"metric_type": HEALTHY, "resource_type": "cloud_composer_environment",
                                        "sample_period": "1m", "constant": 1}]})
    with pytest.raises(ScenarioError, match="whole number of minutes"):
        scenario_from_dict({"series": [{"metric_type": CUSTOM, "resource_type": "global",
                                        "sample_period": "90s", "constant": 1}]})
