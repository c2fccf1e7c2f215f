"""The watch over loopback: real Cloud Monitoring client, the emulator serving per-arm
series, each finding a data scientist would act on."""

from __future__ import annotations

import tomllib

from atlas.health.model import Status

from .conftest import (HOUR, NOW, check, feature_age, latency, manifest_text, run_watch, scenario, traffic,
                       write_catalog)


def one(report, eid):
    return next(e for e in report.experiments if e.experiment == eid)


def test_balanced_arms_pass_the_srm_test(tmp_path, serve):
    emu = serve(scenario(traffic("bal", "control", 600, noise=12, seed=1),
                         traffic("bal", "treatment", 600, noise=12, seed=2)))
    report = run_watch(emu, write_catalog(tmp_path, {"bal": manifest_text("bal")}))
    srm = check(one(report, "bal"), "srm")
    assert srm.status is Status.OK
    assert "control 50.0 %, treatment 50.0 %" in srm.reason
    assert srm.numbers["p_value"] > 0.001
    assert report.exit_code == 0


def test_a_sample_ratio_mismatch_is_crit_with_shares_size_and_p(tmp_path, serve):
    # treatment gets 46.1 % of the requests; the weights say 50 %
    emu = serve(scenario(traffic("srm", "control", 1168), traffic("srm", "treatment", 1000)))
    report = run_watch(emu, write_catalog(tmp_path, {"srm": manifest_text("srm")}))
    result = one(report, "srm")
    srm = check(result, "srm")
    assert srm.status is Status.CRIT and result.status is Status.CRIT
    assert srm.reason.startswith("treatment 46.1 % of 6.1 M, expected 50.0 %: p ")
    assert "assignment is broken, stop before the data is used" in srm.reason
    assert srm.arm == "treatment" and srm.numbers["requests"] == (47 * 60 + 1) * 2168  # every minute since the traffic began
    assert srm.since is not None and srm.since < NOW - 40 * HOUR  # broken from the first hours on
    assert report.exit_code == 1


def test_too_little_traffic_yet_is_said_and_never_ok(tmp_path, serve):
    emu = serve(scenario(traffic("new", "control", 3, hours=1.5), traffic("new", "treatment", 2, hours=1.5)))
    report = run_watch(emu, write_catalog(tmp_path, {"new": manifest_text("new", merged_hours_ago=2)}))
    result = one(report, "new")
    srm = check(result, "srm")
    assert srm.status is Status.NO_DATA
    assert srm.reason == "too little traffic yet: 455 requests, the SRM test needs 1.0 k"
    assert result.status is Status.NO_DATA  # not OK, whatever the other checks say
    assert report.exit_code == 0  # said, not paged


def test_a_guardrail_breached_in_one_arm_names_that_arm(tmp_path, serve):
    emu = serve(scenario(traffic("lat", "control", 600), traffic("lat", "treatment", 600),
                         latency("lat", "control", 0.120), latency("lat", "treatment", 0.262)))
    report = run_watch(emu, write_catalog(tmp_path, {"lat": manifest_text("lat", max_p99=200)}))
    lat = check(one(report, "lat"), "latency")
    assert lat.status is Status.CRIT and lat.arm == "treatment"
    assert lat.reason.startswith("p99 latency in treatment 262 ms > guardrail 200 ms (control 120 ms)")
    assert check(one(report, "lat"), "srm").status is Status.OK


def test_an_error_ratio_breached_in_one_arm_only(tmp_path, serve):
    emu = serve(scenario(traffic("err", "control", 600), traffic("err", "treatment", 600),
                         traffic("err", "control", 1, code="Unavailable"),
                         traffic("err", "treatment", 40, code="Unavailable", hours=5)))
    report = run_watch(emu, write_catalog(tmp_path, {"err": manifest_text("err", max_err=0.01)}))
    errors = check(one(report, "err"), "errors")
    assert errors.status is Status.CRIT and errors.arm == "treatment"
    assert errors.reason.startswith("error ratio in treatment 6.2 % > guardrail 1.0 % over the last 60 min (control 0.2 %)")
    assert errors.since == NOW - 5 * HOUR


def test_a_treatment_falling_back_to_control(tmp_path, serve):
    # ranker-svc could not load exp-fb's model 6 h ago and answers treatment with control's
    emu = serve(scenario(traffic("fb", "control", 600), traffic("fb", "treatment", 600, stopped_hours_ago=6),
                         traffic("fb", "treatment", 600, alias="control", hours=359 / 60)))
    report = run_watch(emu, write_catalog(tmp_path, {"fb": manifest_text("fb")}))
    served = check(one(report, "fb"), "served")
    assert served.status is Status.CRIT and served.arm == "treatment"
    assert served.reason.startswith("treatment falls back to control: 12.8 % of its 1.7 M requests served alias "
                                    "control, not exp-fb")
    assert served.since == NOW - 6 * HOUR


def test_no_exposures_two_hours_after_merge_is_a_warn(tmp_path, serve):
    emu = serve(scenario(traffic("other", "control", 600), traffic("other", "treatment", 600)))
    cat = write_catalog(tmp_path, {"quiet": manifest_text("quiet", merged_hours_ago=3),
                                   "fresh": manifest_text("fresh", merged_hours_ago=0.5)})
    report = run_watch(emu, cat)
    quiet = check(one(report, "quiet"), "exposure")
    assert quiet.status is Status.WARN
    assert quiet.reason.startswith("no exposures 3 h after merge (expected within 2 h)")
    assert quiet.since == NOW - 1 * HOUR
    fresh = check(one(report, "fresh"), "exposure")
    assert fresh.status is Status.NO_DATA and "no exposures yet: merged 30 min ago" in fresh.reason
    assert report.exit_code == 1


def test_the_feature_column_must_be_fresh(tmp_path, serve):
    emu = serve(scenario(traffic("fa", "control", 600), traffic("fa", "treatment", 600),
                         traffic("fb", "control", 600), traffic("fb", "treatment", 600),
                         feature_age("item_age_hours", 3 * HOUR), feature_age("user_dwell_time_v2_7d", 52 * HOUR)))
    cat = write_catalog(tmp_path, {"fa": manifest_text("fa", feature="item_age_hours"),
                                   "fb": manifest_text("fb", feature="user_dwell_time_v2_7d"),
                                   "fc": manifest_text("fc", feature="user_ctr_30d")})
    report = run_watch(emu, cat)
    assert check(one(report, "fa"), "fed").status is Status.OK
    stale = check(one(report, "fb"), "fed")
    assert stale.status is Status.CRIT
    assert stale.reason.startswith("feature user_dwell_time_v2_7d is 2.2 d old (max 36 h)")
    assert stale.since == NOW - 16 * HOUR
    assert check(one(report, "fc"), "fed").status is Status.WARN  # not reported at all


def test_one_call_per_distinct_metric_for_fifty_running_experiments(tmp_path, serve):
    ids = [f"exp-{i:02d}" for i in range(50)]
    series = []
    for i, eid in enumerate(ids):
        series += [traffic(eid, "control", 100, hours=10), traffic(eid, "treatment", 100, hours=10),
                   latency(eid, "control", 0.1), latency(eid, "treatment", 0.1)]
    series.append(feature_age("item_age_hours", HOUR))
    emu = serve(scenario(*series))
    cat = write_catalog(tmp_path, {eid: manifest_text(eid, merged_hours_ago=12, feature="item_age_hours")
                                   for eid in ids})
    before = emu.calls["ListTimeSeries"]
    report = run_watch(emu, cat)
    calls = emu.calls["ListTimeSeries"] - before
    assert len(report.experiments) == 50
    assert report.metrics == 3  # requests counter, latency histogram, feature age gauge
    assert calls == report.calls == report.metrics
    assert all(e.status is Status.OK for e in report.experiments), [e.reason for e in report.experiments]
    print(f"\nwatch of 50 running experiments: {calls} ListTimeSeries calls for {report.metrics} metrics "
          f"in {report.duration:.3f} s")


def test_a_failed_query_is_error_never_ok(tmp_path, serve):
    from .conftest import REQ

    emu = serve(scenario(traffic("x", "control", 600), traffic("x", "treatment", 600),
                         faults=[{"target": REQ, "kind": "PERMISSION_DENIED"}]))
    report = run_watch(emu, write_catalog(tmp_path, {"x": manifest_text("x")}))
    result = one(report, "x")
    assert result.status is Status.ERROR
    assert check(result, "srm").reason.startswith("request counter not read: ")
    assert len(report.errors) == 1 and report.exit_code == 1


def test_only_running_experiments_are_watched(tmp_path, serve):
    emu = serve(scenario(traffic("run", "control", 600), traffic("run", "treatment", 600)))
    cat = write_catalog(tmp_path, {"run": manifest_text("run"), "draft": manifest_text("draft", state="draft")})
    report = run_watch(emu, cat)
    assert [e.experiment for e in report.experiments] == ["run"]


def test_record_keeps_the_last_watch_in_the_manifest_and_its_comments(tmp_path, serve):
    from atlas.watch.record import record_watch

    emu = serve(scenario(traffic("srm", "control", 1168), traffic("srm", "treatment", 1000)))
    cat = write_catalog(tmp_path, {"srm": manifest_text("srm")})
    path = cat / "experiments" / "srm.toml"
    before = path.read_text()
    report = run_watch(emu, cat)
    record_watch(path, one(report, "srm"))
    record_watch(path, one(report, "srm"))  # a second record replaces the table, adds nothing
    text = path.read_text()
    assert text.startswith(before)  # every byte atlas does not own is left alone
    data = tomllib.loads(text)
    assert data["watch"]["status"] == "CRIT"
    assert data["watch"]["srm"].startswith("CRIT: treatment 46.1 % of 6.1 M")
    assert data["watch"]["srm_requests"] == (47 * 60 + 1) * 2168
    assert text.count("[watch]") == 1


def test_a_guardrail_without_numbers_is_no_data_not_ok(tmp_path, serve):
    emu = serve(scenario(traffic("nolat", "control", 600), traffic("nolat", "treatment", 600)))
    report = run_watch(emu, write_catalog(tmp_path, {"nolat": manifest_text("nolat")}))
    result = one(report, "nolat")
    assert check(result, "latency").status is Status.NO_DATA
    assert result.status is Status.NO_DATA and check(result, "srm").status is Status.OK
