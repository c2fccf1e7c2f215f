"""An OK too young to count: a component whose signals cannot yet show a failure that
reached it does not break the chain from a cause to the failure below it. The lag comes
from the catalog's signals and Google's published visibility delays (the metric table)."""

from __future__ import annotations

from atlas.catalog.model import Component, SignalTemplate
from atlas.graph import CatalogGraph
from atlas.health import detection
from atlas.health.model import ComponentHealth, SignalStatus, Status
from atlas.health.triage import flatten, triage

from .builders import NOW, job, lag_signal, make_catalog

H = 3600.0
ROWS = SignalTemplate(  # Google: "not visible for up to 21720 seconds"
    id="bq-uploaded-rows", name="rows uploaded", kinds=("bigquery_dataset",),
    metric_type="bigquery.googleapis.com/storage/uploaded_row_count", resource_type="bigquery_dataset",
    resource_labels=("dataset_id",), aligner="ALIGN_RATE", reducer="REDUCE_SUM", window=1800,
    direction="below", warn=0.0001)


def dataset(cid: str, depends_on=()) -> Component:
    return Component(id=cid, kind="bigquery_dataset", system="pipes", owner="data-eng", project="proj-a",
                     depends_on=tuple(depends_on), labels={"dataset_id": cid})


def pipeline():
    """backfill (Dataflow) -> features (BigQuery) -> export (Dataflow)."""
    cat = make_catalog([job("backfill"), dataset("features", ["backfill"]), job("export", depends_on=["features"])],
                       [lag_signal(), ROWS])
    return cat, CatalogGraph(cat)


def state(**ages: tuple[Status, float | None]) -> dict[str, ComponentHealth]:
    out = {}
    for cid, (status, hours) in ages.items():
        since = None if hours is None else NOW - hours * H
        sig = SignalStatus(cid, "s", status, f"{cid} is {status.value}", since=since)
        out[cid] = ComponentHealth(cid, status, f"{cid} is {status.value}", [sig], since=since)
    return out


def test_signal_lags_come_from_the_metric_table_and_the_thresholds():
    cat, _ = pipeline()
    lag = detection.lags(cat)
    assert lag("features") == 21720 + 60  # BigQuery storage: 6 h, plus one alignment period
    assert lag("backfill") == 240 + 60  # Dataflow system_lag: "not visible for up to 240 seconds"
    freshness = lag_signal(id="age", type="freshness", warn=30 * H, crit=36 * H)
    assert detection.signal_lag(freshness) == 30 * H  # the age has to pass its warn line first


def test_an_ok_dataset_that_cannot_show_the_failure_yet_does_not_break_the_chain():
    cat, graph = pipeline()
    snap = state(backfill=(Status.CRIT, 2), features=(Status.OK, None), export=(Status.CRIT, 1))
    (cause,) = triage(cat, graph, snap, now=NOW)
    assert cause.component == "backfill" and [s.component for s in cause.symptoms] == ["export"]
    hops = cause.symptoms[0].path
    assert [(h.upstream, h.downstream) for h in hops] == [("backfill", "features"), ("features", "export")]
    # the OK dataset is neither a pass nor a fail: its signals could not have shown it yet
    assert hops[0].node_deviates == "unknown" and hops[1].checks == ("pass", "pass", "pass")


def test_once_the_dataset_could_have_shown_it_its_ok_breaks_the_chain():
    cat, graph = pipeline()
    snap = state(backfill=(Status.CRIT, 10), features=(Status.OK, None), export=(Status.CRIT, 8))
    items = triage(cat, graph, snap, now=NOW)
    assert {i.component: i.role for i in flatten(items)} == {"backfill": "cause", "export": "cause"}


def test_an_ok_stream_between_them_breaks_the_chain_within_minutes():
    cat = make_catalog([job("a"), job("b", depends_on=["a"]), job("c", depends_on=["b"])], [lag_signal()])
    snap = state(a=(Status.CRIT, 2), b=(Status.OK, None), c=(Status.CRIT, 1))
    items = triage(cat, CatalogGraph(cat), snap, now=NOW)
    assert {i.component: i.role for i in flatten(items)} == {"a": "cause", "c": "cause"}
