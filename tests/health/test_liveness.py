"""A failure count with on_absent = "zero" reads OK forever when its labels are wrong or the
job never reports; the sample's last-success signals prove the series is live (real clients
against the emulator, data shaped as Google writes DELTA counters: a point only in the
minute a run ended)."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.loader import load_catalog
from atlas.catalog.model import Component
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
from atlas.health.model import Status

from .builders import NOW, make_catalog
from .live import service_for

SAMPLE = load_catalog(Path(__file__).resolve().parents[2] / "catalog").catalog
DAG_FAILED = SAMPLE.signals["composer-dag-failed-runs"]
DAG_SUCCESS = SAMPLE.signals["composer-dag-last-success"]
SQ_FAILED = SAMPLE.signals["scheduled-query-failed-runs"]
SQ_SUCCESS = SAMPLE.signals["scheduled-query-last-success"]
HOURLY = {"composer-dag-last-success": {"warn": 7200, "window": 7200, "stale_after": 7200}}


def dag(cid: str, workflow: str | None = None, **kw) -> Component:
    return Component(id=cid, kind="composer_dag", system="pipes", project="proj-a",
                     signals=(DAG_FAILED.id, DAG_SUCCESS.id),
                     labels={"environment_name": "env", "workflow_name": workflow or cid}, **kw)


def runs(workflow: str, state: str, ago: str) -> dict:
    """One run in `state`, counted in the minute before `ago` (a step that is 1 only before it)."""
    history = f"{ago}1m" if ago.endswith("h") else f"-{int(ago[1:-1]) + 1}m"
    return {"metric_type": DAG_FAILED.metric_type, "resource_type": "cloud_composer_workflow",
            "resource_labels": {"environment_name": "env", "workflow_name": workflow},
            "metric_labels": {"state": state}, "step": {"at": ago, "before": 1, "after": 0}, "history": history}


def refresh(components, series, signals=(DAG_FAILED, DAG_SUCCESS)):
    clock = [NOW]
    emu = GcpEmulator(scenario_from_dict({"scenario": {"project": "proj-a"}, "series": list(series)}),
                      now=lambda: clock[0])
    emu.start()
    try:
        return service_for(make_catalog(components, list(signals)), emu.address).refresh()
    finally:
        emu.stop()


def test_a_mislabelled_workflow_name_reads_warn_with_the_labels_it_asked_for():
    # the DAG runs and reports; the catalog has a typo in workflow_name
    snap = refresh([dag("daily_feature_build", workflow="daily_featur_build")],
                   [runs("daily_feature_build", "success", "-3h")])
    health = snap.components["daily_feature_build"]
    assert health.status is Status.WARN  # the failure count alone said OK: "none in the last hour"
    sig = next(s for s in health.signals if s.name == DAG_SUCCESS.id)
    assert sig.status is Status.WARN
    assert 'workflow_name="daily_featur_build"' in sig.reason and "mislabelled" in sig.reason
    assert sig.reason.startswith("last successful run: no points in the last 2.2 d")


def test_a_daily_dag_is_ok_after_todays_success_and_warn_when_it_missed_a_day():
    snap = refresh([dag("today"), dag("missed")],
                   [runs("today", "success", "-3h"), runs("missed", "success", "-27h")])
    assert snap.components["today"].status is Status.OK
    missed = snap.components["missed"]
    assert missed.status is Status.WARN
    assert missed.reason.startswith("last successful run: newest 27 h old > warn 26 h")
    assert NOW - missed.since <= 3600 + 600  # turned WARN 26 h after that run (dated to 10 min)


def test_an_hourly_dag_overrides_the_window_from_its_schedule():
    hourly = dict(schedule="0 * * * *", signal_overrides=HOURLY)
    snap = refresh([dag("fresh", **hourly), dag("late", **hourly)],
                   [runs("fresh", "success", "-40m"), runs("late", "success", "-3h")])
    assert snap.components["fresh"].status is Status.OK
    assert snap.components["late"].status is Status.WARN  # 3 h without an hourly success


def test_a_scheduled_query_with_a_wrong_config_id_reads_warn():
    def query(cid: str, config: str) -> Component:
        return Component(id=cid, kind="bigquery_scheduled_query", system="pipes", project="proj-a",
                         signals=(SQ_FAILED.id, SQ_SUCCESS.id), labels={"config_id": config})

    ok_run = {"metric_type": SQ_SUCCESS.metric_type, "resource_type": "bigquery_dts_config",
              "resource_labels": {"config_id": "item-popularity-daily"},
              "metric_labels": {"completion_state": "SUCCEEDED", "run_cause": "AUTO_SCHEDULE"},
              "step": {"at": "-10h", "before": 1, "after": 0}, "history": "-10h1m"}
    snap = refresh([query("right", "item-popularity-daily"), query("typo", "item-populrity-daily")],
                   [ok_run], signals=(SQ_FAILED, SQ_SUCCESS))
    assert snap.components["right"].status is Status.OK
    typo = snap.components["typo"]
    assert typo.status is Status.WARN and 'config_id="item-populrity-daily"' in typo.reason
