"""Silence, time and searches, as a user sees them against the emulator (real clients):
a topic whose publishes stop turns WARN within its window, a Composer failure clears after
its window, statuses carry when they began, and a log search that answers empty pages
first still finds its entries (or says "incomplete", never 0)."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.loader import load_catalog
from atlas.catalog.model import Component
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
from atlas.health import logs
from atlas.health.model import Status

from .builders import NOW, make_catalog
from .live import service_for

SAMPLE = load_catalog(Path(__file__).resolve().parents[2] / "catalog").catalog
PUBLISH = SAMPLE.signals["pubsub-topic-publish-rate"]
DAG_FAILED = SAMPLE.signals["composer-dag-failed-runs"]
WRITTEN = SAMPLE.signals["bigquery-data-written"]


def topic(cid: str) -> Component:
    return Component(id=cid, kind="pubsub_topic", system="pipes", project="proj-a", labels={"topic_id": cid},
                     signals=(PUBLISH.id,))


def dag(cid: str) -> Component:
    return Component(id=cid, kind="composer_dag", system="pipes", project="proj-a", signals=(DAG_FAILED.id,),
                     labels={"environment_name": "env", "workflow_name": cid})


def emulator_at(clock: list[float], series=(), logs_=(), **head) -> GcpEmulator:
    scenario = scenario_from_dict({"scenario": {"project": "proj-a", "history": "-3h", **head},
                                   "series": list(series), "log": list(logs_)})
    emu = GcpEmulator(scenario, now=lambda: clock[0])
    emu.start()
    return emu


def publishes(topic_id: str, stop: str | None = None) -> dict:
    entry = {"metric_type": PUBLISH.metric_type, "resource_type": "pubsub_topic",
             "resource_labels": {"topic_id": topic_id}, "metric_labels": {"response_class": "success"},
             "constant": 600}
    if stop:
        entry["gap"] = {"from": stop}  # a DELTA counter writes nothing while nothing is published
    return entry


def test_a_topic_whose_publishes_stop_turns_warn_within_its_window():
    clock = [NOW]
    emu = emulator_at(clock, [publishes("busy"), publishes("stopped", stop="-15m")])
    try:
        service = service_for(make_catalog([topic("busy"), topic("stopped")], [PUBLISH]), emu.address)
        snap = service.refresh()
    finally:
        emu.stop()
    assert snap.components["busy"].status is Status.OK
    stopped = snap.components["stopped"].signals[0]
    assert stopped.status is Status.WARN  # not OK with its last rate, not STALE, not NO_DATA
    assert "no points for" in stopped.reason and "stopped or not reporting" in stopped.reason
    # dated by the newest aligned point, which covers a 10 min period: silent at least that long
    assert PUBLISH.alignment_period <= NOW - stopped.since <= PUBLISH.window


def test_a_topic_silent_for_longer_than_the_look_back_stays_warn_not_no_data():
    # NO_DATA would drop the stopped producer out of triage just as its silence grows
    clock = [NOW]
    emu = emulator_at(clock, [publishes("stopped", stop="-2h")])
    try:
        service = service_for(make_catalog([topic("stopped")], [PUBLISH]), emu.address)
        stopped = service.refresh().components["stopped"]
    finally:
        emu.stop()
    assert stopped.status is Status.WARN
    assert "no points in the last" in stopped.reason and "stopped, not reporting" in stopped.reason


def one_failure(workflow: str, minutes_ago: int) -> dict:
    """One failed run, counted in the minute it ended (no point in any other minute)."""
    return {"metric_type": DAG_FAILED.metric_type, "resource_type": "cloud_composer_workflow",
            "resource_labels": {"environment_name": "env", "workflow_name": workflow},
            "metric_labels": {"state": "failed"}, "values": [1] + [0] * minutes_ago}


def test_a_composer_failure_clears_after_its_window():
    clock = [NOW]
    emu = emulator_at(clock, [one_failure("recent", 20), one_failure("old", 70)])
    try:
        snap = service_for(make_catalog([dag("recent"), dag("old")], [DAG_FAILED]), emu.address).refresh()
    finally:
        emu.stop()
    assert snap.components["recent"].status is Status.CRIT  # failed 20 min ago: inside the hour
    old = snap.components["old"]
    assert old.status is Status.OK and "none in the last 60 min" in old.reason  # 70 min ago: cleared
    assert old.since is not None and old.since <= NOW  # "recovered ... ago"


def test_an_empty_first_page_while_searching_still_finds_the_entries():
    clock = [NOW]
    dataset = Component(id="events", kind="bigquery_dataset", system="pipes", project="proj-a",
                        labels={"dataset_id": "events"}, signals=(WRITTEN.id,))
    write = {"at": "-10m", "resource_type": "bigquery_dataset", "resource_labels": {"dataset_id": "events"},
             "log_name": "cloudaudit.googleapis.com/data_access",
             "proto": {"metadata": {"tableDataChange": {"insertedRowsCount": "12"}}}}
    emu = emulator_at(clock, logs_=[write], logging_search_pages=3)
    try:
        snap = service_for(make_catalog([dataset], [WRITTEN]), emu.address).refresh()
        calls = emu.calls["ListLogEntries"]
    finally:
        emu.stop()
    status = snap.components["events"].signals[0]
    assert status.status is Status.OK and "newest 10 min old" in status.reason
    assert calls == 4 and snap.calls == 4  # three empty "searching" pages, then the entry


def test_a_search_that_hits_its_bound_says_incomplete_never_zero():
    clock = [NOW]
    dataset = Component(id="events", kind="bigquery_dataset", system="pipes", project="proj-a",
                        labels={"dataset_id": "events"}, signals=(WRITTEN.id,))
    emu = emulator_at(clock, logging_search_pages=logs.MAX_PAGES + 5)
    try:
        snap = service_for(make_catalog([dataset], [WRITTEN]), emu.address).refresh()
    finally:
        emu.stop()
    status = snap.components["events"].signals[0]
    assert status.status is Status.ERROR and "incomplete" in status.reason
    assert status.value is None


def test_logs_routed_to_a_bucket_view_are_read_there():
    clock = [NOW]
    view = "projects/central-logs/locations/global/buckets/recs/views/_AllLogs"
    dataset = Component(id="events", kind="bigquery_dataset", system="pipes", project="proj-a",
                        labels={"dataset_id": "events"}, signals=(WRITTEN.id,), log_resource=view)
    write = {"at": "-10m", "bucket": "projects/central-logs/locations/global/buckets/recs",
             "resource_type": "bigquery_dataset",
             "resource_labels": {"dataset_id": "events"}, "log_name": "cloudaudit.googleapis.com/data_access",
             "proto": {"metadata": {"tableDataChange": {"insertedRowsCount": "12"}}}}
    emu = emulator_at(clock, logs_=[write])
    try:
        snap = service_for(make_catalog([dataset], [WRITTEN]), emu.address).refresh()
        asked = [list(r.resource_names) for r in emu.requests if hasattr(r, "resource_names")]
    finally:
        emu.stop()
    assert asked == [[view]]
    assert snap.components["events"].status is Status.OK
