"""Each sample signal (catalog/signals.toml, Kubeflow's aside) can read OK, WARN and CRIT on
data shaped the way Google reports it: per-minute raw points of the metric's own kind (DELTA
counters with no point in idle minutes, CUMULATIVE totals, BOOL gauges, distributions),
visible only after the ingestion delay, aligned by the emulator, judged by atlas."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.catalog.loader import load_catalog
from atlas.catalog.model import Component
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
from atlas import metrictable as metrics
from atlas.health.model import Status
from atlas.health.specs import PIPELINE_TYPES

from .builders import NOW, make_catalog
from .live import service_for

WORKSPACE = Path(__file__).resolve().parents[2]
SAMPLE = load_catalog(WORKSPACE / "catalog").catalog
SIGNALS = [s for s in SAMPLE.signals.values() if s.type not in PIPELINE_TYPES]  # Kubeflow's: tests/kubeflow


def target(signal, level: Status) -> float | None:
    """An aligned value that reads `level`, or None when the thresholds cannot give it."""
    above = signal.direction != "below"
    warn, crit = signal.warn, signal.crit
    first = warn if warn is not None else crit
    if level is Status.OK:  # a realistic healthy value: a quarter of the limit, or plenty above it
        return first / 4 if above else first * 2 + 10
    if level is Status.WARN:
        if warn is None or signal.on_absent == "warn":  # the latter warn by silence (see world)
            return None
        if above:
            return (warn + crit) / 2 if crit is not None else warn + 1
        return (warn + crit) / 2 if crit is not None else warn / 2
    if crit is None:
        return None
    return crit * 3 + 1 if above else crit / 2


def series_for(signal, labels: dict, v: float) -> list[dict]:
    """Raw per-minute series (the scenario's unit) whose aligned value is `v`."""
    m = metrics.lookup(signal.metric_type)
    base = {"metric_type": signal.metric_type, "resource_type": signal.resource_type,
            "resource_labels": labels, "metric_labels": dict(signal.metric_labels), "history": "-3h"}
    period_min = signal.alignment_period / 60
    if signal.type == "ratio":  # v % bad out of 1000 per minute
        good_label = "OK" if signal.ratio_bad_mode == "exclude" else "2xx"
        bad_label = "UNAVAILABLE" if signal.ratio_bad_mode == "exclude" else signal.ratio_bad[0]
        bad = 1000 * v / 100
        out = [{**base, "metric_labels": {signal.ratio_label: good_label}, "constant": 1000 - bad}]
        if bad:
            out.append({**base, "metric_labels": {signal.ratio_label: bad_label}, "constant": bad})
        return out
    if m.value_type == "BOOL":
        if signal.aligner == "ALIGN_FRACTION_TRUE" and 0 < v < 1 and v >= (signal.crit or 0):
            # one point per sample period (composer healthy: 300 s, three in its 900 s period,
            # the newest past its 120 s delay at NOW); one false of the three reads 2/3
            return [{**base, "values": [1] * 40 + [0, 1, 1]}]
        return [{**base, "constant": 1 if v >= 1 or (v > 0 and signal.aligner != "ALIGN_FRACTION_TRUE") else 0}]
    if signal.aligner == "ALIGN_RATE":
        return [{**base, "constant": v * 60}]
    if signal.aligner in ("ALIGN_DELTA", "ALIGN_SUM") and m.value_type != "DISTRIBUTION":
        if v and v < period_min:  # a few events in the period: put them in one visible minute
            delay = m.ingest_delay // 60 + 1
            return [{**base, "values": [v] + [0] * delay}]
        return [{**base, "constant": v / period_min}]
    return [{**base, "constant": v}]  # gauges; distributions (the p99 of each minute is v)


CASES = [(s, level) for s in SIGNALS for level in (Status.OK, Status.WARN, Status.CRIT)
         if target(s, level) is not None or (level is Status.WARN and s.on_absent == "warn")
         or (s.type == "freshness" and (level is not Status.CRIT or s.crit is not None))]


def _component(signal, cid: str) -> Component:
    labels = {name: f"{cid}-{name}" for name in signal.resource_labels}
    labels["dataset_id"] = cid
    return Component(id=cid, kind=signal.kinds[0], system="pipes", owner="data-eng", project="proj-a",
                     mode=(signal.modes[0] if signal.modes else ""), labels=labels, signals=(signal.id,))


@pytest.fixture(scope="module")
def world():
    series, logs, comps = [], [], []
    for signal, level in CASES:
        cid = f"{signal.id}-{level.value.lower()}"
        comp = _component(signal, cid)
        comps.append(comp)
        if signal.type == "freshness" and signal.metric_type:  # the newest successful run's age
            age = {Status.OK: signal.warn / 4, Status.WARN: signal.warn * 1.2}[level]
            labels = {name: comp.labels[name] for name in signal.resource_labels}
            minutes = int(age // 60)  # one run, counted in the minute before -age (a DELTA point)
            series.append({"metric_type": signal.metric_type, "resource_type": signal.resource_type,
                           "resource_labels": labels, "metric_labels": dict(signal.metric_labels),
                           "step": {"at": f"-{minutes}m", "before": 1, "after": 0}, "history": f"-{minutes + 1}m"})
            continue
        if signal.type == "freshness":  # BigQuery's audit log: the newest write's age
            age = {Status.OK: 600, Status.WARN: (signal.warn + signal.crit) / 2, Status.CRIT: signal.crit * 2}[level]
            logs.append({"at": f"-{int(age)}s", "resource_type": "bigquery_dataset", "project": "proj-a",
                         "log_name": "cloudaudit.googleapis.com/data_access", "resource_labels": {"dataset_id": cid},
                         "proto": {"metadata": {"tableDataChange": {"insertedRowsCount": "10"}}}})
            continue
        v = target(signal, level)
        labels = {name: comp.labels[name] for name in signal.resource_labels}
        if v is None:  # WARN by absence: published until 30 min ago, then no point at all
            series.append({**series_for(signal, labels, 5.0)[0], "gap": {"from": "-30m"}})
            continue
        series += series_for(signal, labels, v)
    scenario = scenario_from_dict({"scenario": {"project": "proj-a"}, "series": series, "log": logs})
    emulator = GcpEmulator(scenario, now=lambda: NOW)
    emulator.start()
    catalog = make_catalog(comps, SIGNALS)
    snap = service_for(catalog, emulator.address).refresh()
    emulator.stop()
    return snap


@pytest.mark.parametrize("signal,level", CASES, ids=[f"{s.id}-{lv.value}" for s, lv in CASES])
def test_each_sample_signal_reads_ok_warn_and_crit(world, signal, level):
    status = next(s for s in world.components[f"{signal.id}-{level.value.lower()}"].signals)
    assert (status.status, signal.id) == (level, signal.id), status.reason


def test_every_sample_signal_can_fail():
    failing = {s.id for s, level in CASES if level is not Status.OK}
    assert failing == {s.id for s in SIGNALS}
