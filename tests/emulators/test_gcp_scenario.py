"""Scenario files: shapes relative to now, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.emulators.scenario import ScenarioError, load_scenario, parse_offset, scenario_from_dict

NOW = 1_800_000_000 + 30


def one_series(**fields):
    entry = {"metric_type": "custom.googleapis.com/x", "resource_type": "global", **fields}
    return scenario_from_dict({"series": [entry]}).series[0]


def test_durations():
    assert parse_offset("-25m", "x") == -1500
    assert parse_offset("-3h58m", "x") == -(3 * 3600 + 58 * 60)
    assert parse_offset("now", "x") == 0
    assert parse_offset("2m", "x", relative=False) == 120


def test_constant_series_covers_the_history_on_minute_boundaries():
    points = one_series(constant=7, history="-10m").points(NOW)
    assert len(points) == 11 and {v for _, v in points} == {7}
    assert points[-1][0] == NOW - 30 and all(t % 60 == 0 for t, _ in points)


def test_values_end_now():
    points = one_series(values=[1, 2, 3]).points(NOW)
    assert points == [(NOW - 150, 1), (NOW - 90, 2), (NOW - 30, 3)]


def test_step_change_at_an_offset():
    points = dict(one_series(step={"at": "-25m", "before": 1, "after": 0}, history="-30m").points(NOW))
    newest = NOW - 30
    assert points[newest] == 0 and points[newest - 25 * 60 + 60] == 0 and points[newest - 26 * 60] == 1


def runs(series) -> dict[int, float]:
    """The points of a pulse that counted something: {seconds before now: value}."""
    return {NOW - t: v for t, v in series.points(NOW) if v}


def test_pulse_counts_each_run_in_the_minute_that_holds_it():
    # NOW is 30 s past a minute: a run 12 min ago (NOW - 720) is counted by the point that
    # ends 30 s later (its minute is (t - 60, t], as a DELTA point's interval)
    hourly = one_series(pulse={"every": "1h", "last": "-12m"}, history="-3h")
    assert runs(hourly) == {690: 1, 690 + 3600: 1, 690 + 7200: 1}
    assert len(hourly.points(NOW)) == 181  # a value for every minute: 0 between the runs


def test_pulse_value_first_and_count_bound_the_runs():
    daily = one_series(pulse={"every": "24h", "last": "-3h41m", "value": 5}, history="-3d")
    assert runs(daily) == {13230: 5, 13230 + 86400: 5, 13230 + 2 * 86400: 5}
    since = one_series(pulse={"every": "1h", "last": "-10m", "first": "-2h"}, history="-6h")
    assert sorted(runs(since)) == [570, 570 + 3600]
    counted = one_series(pulse={"every": "1h", "last": "-10m", "count": 3}, history="-6h")
    assert sorted(runs(counted)) == [570, 570 + 3600, 570 + 7200]


def test_pulse_runs_closer_than_a_minute_add_up():
    busy = one_series(pulse={"every": "30s", "last": "now", "value": 2}, history="-5m")
    assert set(runs(busy).values()) == {4}  # two runs in every minute


def test_gap_leaves_no_points_after_it_starts():
    points = one_series(constant=1, gap={"from": "-40m"}).points(NOW)
    assert points and max(t for t, _ in points) <= NOW - 40 * 60


def test_gap_with_an_end_resumes():
    times = {t for t, _ in one_series(constant=1, gap={"from": "-40m", "to": "-10m"}).points(NOW)}
    assert NOW - 30 in times and NOW - 30 - 20 * 60 not in times


def test_noise_is_seeded_and_stable_as_time_moves_on():
    s = one_series(constant=100, noise={"amplitude": 5, "seed": 3})
    a, b = dict(s.points(NOW)), dict(s.points(NOW + 60))
    shared = set(a) & set(b)
    assert len(shared) == 60 and all(a[t] == b[t] for t in shared)
    assert all(95 <= v <= 105 for v in a.values()) and len(set(a.values())) > 10


def test_known_counters_default_to_googles_metric_kind():
    s = scenario_from_dict({"series": [{"metric_type": "run.googleapis.com/request_latencies",
                                        "resource_type": "cloud_run_revision", "constant": 1}]}).series[0]
    assert (s.metric_kind, s.value_type) == ("delta", "distribution")


def test_log_repeat_every_and_project_paths():
    sc = scenario_from_dict({"scenario": {"project": "p"}, "log": [
        {"at": "-10m", "every": "4m", "repeat": 5, "severity": "ERROR", "resource_type": "global",
         "log_name": "dataflow.googleapis.com/worker", "text": "x", "trace": "abc"}]})
    entries = sc.logs[0].entries(NOW)
    assert [e.timestamp - NOW for e in entries] == [-600, -360, -120]  # later ones have not happened
    assert entries[0].log_name == "projects/p/logs/dataflow.googleapis.com%2Fworker"
    assert entries[0].trace == "projects/p/traces/abc"


def test_github_repos_dir_is_relative_to_the_scenario_file(tmp_path):
    f = tmp_path / "demo.toml"
    f.write_text('[github]\nrepos_dir = "repos"\n')
    assert load_scenario(f).github_repos_dir == tmp_path / "repos"


@pytest.mark.parametrize("text, message", [
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\n", "[[series]] #1 (m): give exactly one shape"),
    ("[[series]]\nresource_type = 'r'\nconstant = 1\n", "[[series]] #1: missing required field 'metric_type'"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\nconstant = 1\nvalue_type = 'float'\n",
     "[[series]] #1 (m) value_type: 'float' is not one of double, int64, bool, distribution"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\nstep = { at = '25m', before = 1, after = 0 }\n",
     "step.at: '25m' is in the future"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h', last = '12m' }\n",
     "[[series]] #1 (m) pulse.last: '12m' is in the future"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '0s', last = '-12m' }\n",
     "[[series]] #1 (m) pulse.every: '0s' must be a positive duration"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '-1h', last = '-12m' }\n",
     "pulse.every: '-1h' must be a positive duration"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = 'hourly', last = '-12m' }\n",
     "pulse.every: 'hourly' is not a duration"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h' }\n",
     '[[series]] #1 (m) pulse: must be { every = "1h", last = "-12m", value = 1 }'),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h', last = '-1h', first = '-10m' }\n",
     "pulse.first: '-10m' is after last ('-1h')"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h', last = '-1h', count = 0 }\n",
     "pulse.count: must be a whole number >= 1"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h', last = '-1h', count = 2, first = '-9h' }\n",
     "pulse: give first or count, not both"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\npulse = { every = '1h', last = '-1h', value = 'one' }\n",
     "pulse.value: must be a number"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\nconstant = 1\ncolour = 'red'\n", "unknown field 'colour'"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\nconstant = 'high'\n", "constant: must be a number"),
    ("[[log]]\nresource_type = 'r'\ntext = 'x'\nseverity = 'LOUD'\n", "[[log]] #1 severity: 'LOUD' is not one of"),
    ("[[log]]\nresource_type = 'r'\n", "[[log]] #1: give exactly one payload"),
    ("[[log]]\nresource_type = 'r'\ntext = 'x'\nat = 'yesterday'\n", "[[log]] #1 at: 'yesterday' is not a duration"),
    ("[[fault]]\ntarget = 'logging'\nkind = 'SLOW'\n", "[[fault]] #1 kind: 'SLOW' is not one of latency"),
    ("[[fault]]\nkind = 'latency'\n", "[[fault]] #1 ms: a latency fault needs ms"),
    ("[[fault]]\nkind = 'UNAVAILABLE'\ntimes = 0\n", "[[fault]] #1 times: must be a whole number >= 1"),
    ("[[alert_policy]]\nfilter = 'x'\n", "[[alert_policy]] #1: missing required field 'name'"),
    ("series = 3\n", "[[series]]: must be an array of tables"),
    ("[scenario]\nhistory = '-99999d'\n", "[scenario] history: '-99999d' reaches back more than 42 days"),
    ("[[series]]\nmetric_type = 'm'\nresource_type = 'r'\nconstant = 1\nhistory = '-43d'\n",
     "[[series]] #1 (m) history: '-43d' reaches back more than 42 days"),
    ("[[log]]\nresource_type = 'r'\ntext = 'x'\nrepeat = 100000001\n", "[[log]] #1 repeat: must be a whole number from 1"),
    ("[series\n", "not valid TOML"),
])
def test_load_errors_name_the_file_the_entry_and_the_field(tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    assert str(err.value).startswith(str(f)) and message in str(err.value)
    assert "\n" not in str(err.value).strip() or "TOML" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_the_sample_scenario_loads():
    root = Path(__file__).resolve().parents[2]
    sc = load_scenario(root / "scenarios" / "nw-recs.toml")
    assert len(sc.series) > 40 and sc.logs and sc.alert_policies and not sc.faults
    assert sc.github_repos_dir == root / "scenarios" / "repos"
