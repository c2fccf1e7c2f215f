"""A metric Google samples every 300 s (Composer's environment/healthy), as a user meets it:
a healthy environment is not "stopped reporting" in the minutes its newest sample is still
being ingested, one that stopped still is; lint says when a template aligns or goes stale
inside the sample period; and triage waits a sample period before trusting an OK."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from atlas.catalog.loader import load_catalog
from atlas.catalog.model import Component
from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import scenario_from_dict
from atlas.health.clients import make_clients
from atlas.health.detection import signal_lag
from atlas.health.model import Status
from atlas.health.service import HealthService

from .builders import make_catalog
from .test_metric_lint import copy_with, lint

SAMPLE = load_catalog(Path(__file__).resolve().parents[2] / "catalog").catalog
HEALTHY = SAMPLE.signals["composer-healthy"]  # ALIGN_FRACTION_TRUE over 900 s (3 samples), window 900 s
# 80 s after a 300 s sample, which is not visible for up to 120 s: the newest one shown is 380 s old
NOW = 5_966_667 * 300 + 80.0


def environment(cid: str) -> Component:
    return Component(id=cid, kind="composer_environment", system="pipes", project="proj-a",
                     labels={"environment_name": cid}, signals=(HEALTHY.id,))


def healthy_series(name: str, **extra) -> dict:
    return {"metric_type": HEALTHY.metric_type, "resource_type": HEALTHY.resource_type,
            "resource_labels": {"environment_name": name}, "constant": 1, **extra}


def test_an_environment_between_samples_is_ok_and_one_that_stopped_reporting_is_crit():
    # page when Composer stops reporting; aligned at the sample period, each period holds one sample
    paged = dataclasses.replace(HEALTHY, on_absent="crit", alignment_period=300)
    scenario = scenario_from_dict({"scenario": {"project": "proj-a", "history": "-3h"}, "series": [
        healthy_series("live"), healthy_series("gone", gap={"from": "-20m"})]})
    with GcpEmulator(scenario, now=lambda: NOW) as emu:
        clients = make_clients({"MONITORING_EMULATOR_HOST": emu.address, "LOGGING_EMULATOR_HOST": emu.address})
        catalog = make_catalog([environment("live"), environment("gone")], [paged])
        snap = HealthService(catalog, clients=clients, now=lambda: NOW).refresh()
    live = snap.components["live"].signals[0]
    # the newest aligned point is 320 s old: with one minute taken for a sample it read as
    # "no points for 5 min: stopped or not reporting" two minutes in every five
    assert live.status is Status.OK, live.reason
    assert NOW - live.observed_at > paged.alignment_period
    gone = snap.components["gone"].signals[0]
    assert gone.status is Status.CRIT and "stopped or not reporting" in gone.reason


def test_lint_warns_of_an_alignment_or_a_stale_horizon_inside_the_sample_period(tmp_path):
    assert not [p for p in json.loads(lint(SAMPLE.root).output)["problems"]
                if p["code"] in ("alignment-below-sample-period", "stale-inside-sample-period")]
    root = copy_with(tmp_path, "alignment_period = 900           # Google samples it every 300 s", "alignment_period = 60  #")
    signals = root / "signals.toml"
    text = re.sub(r"(alignment_period = 60  #[^\n]*\n)window = 900", r"\1window = 180", signals.read_text(encoding="utf-8"))
    signals.write_text(text, encoding="utf-8")
    found = {p["code"]: p for p in json.loads(lint(root).output)["problems"] if p["entity"] == "signal composer-healthy"}
    align = found["alignment-below-sample-period"]
    assert align["severity"] == "warning" and align["field"] == "alignment_period"
    assert align["message"] == ("alignment_period 60 s is shorter than the 300 s between points of "
                                "composer.googleapis.com/environment/healthy: most aligned periods have no point")
    assert align["hint"] == "align at 300 s (or a multiple of it)"
    stale = found["stale-inside-sample-period"]
    assert stale["field"] == "window" and "reads STALE between samples" in stale["message"]
    assert "420 s" in stale["hint"]  # 300 s between samples + 120 s ingestion delay


def test_an_ok_is_trusted_only_after_the_next_sample_could_show_the_failure():
    per_minute = dataclasses.replace(HEALTHY, alignment_period=60)
    # the next sample may be 300 s off, then 120 s to show: not 60 s + 120 s
    assert signal_lag(per_minute) == 420
    assert signal_lag(HEALTHY) == 900 + 120  # a share of three samples: the period, then the delay

