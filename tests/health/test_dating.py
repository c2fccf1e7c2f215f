"""The longer look a failure's start needs, over a real socket: the refresh asks the GCP
emulator once more for a day of a signal that flapped through its whole window, and triage
dates the on-and-off episode from it. The emulator's clock is frozen at NOW."""

from __future__ import annotations

import pytest

from atlas.graph import CatalogGraph
from atlas.health.triage import triage

from .builders import NOW, job, lag_signal, make_catalog
from .live import service_for, start_emulator

FINE, OVER = 10, 120  # system_lag against warn 60


def scenario() -> str:
    # j-flap: fine until 5 h ago, then 5 min over and 5 min back ever since; j-calm: fine
    flaps = [FINE] * 180 + [FINE, FINE, FINE, FINE, FINE, OVER, OVER, OVER, OVER, OVER] * 30
    return f"""
[scenario]
name = "dating"
project = "proj-a"
history = "-8h"

[[series]]
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = {{ job_name = "j-flap" }}
values = {flaps}

[[series]]
metric_type = "dataflow.googleapis.com/job/system_lag"
resource_type = "dataflow_job"
resource_labels = {{ job_name = "j-calm" }}
constant = 5
"""


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("dating"), scenario())
    yield emu
    emu.stop()


def test_a_signal_flapping_all_hour_gets_a_day_of_history_and_its_episode_is_dated(emulator):
    cat = make_catalog([job("j-flap"), job("j-calm")], [lag_signal()])
    snap = service_for(cat, emulator.address).refresh()
    flap = snap.components["j-flap"]
    assert flap.status.value == "WARN"
    (sig,) = flap.signals
    assert NOW - sig.since < 15 * 60  # `since` is only its latest flip
    assert len(sig.history) > 4 * 60 and sig.history[0][0] < NOW - 5 * 3600  # a day back, asked for it
    assert not snap.components["j-calm"].signals[0].history  # nobody else's series was asked for
    (item,) = triage(cat, CatalogGraph(cat), snap, now=NOW)
    assert item.shape.flapping
    assert abs((NOW - item.shape.episode) - 5 * 3600) <= 10 * 60  # began about 5 h ago
    assert item.to_json()["flapping_since"] is not None and 1.5 < item.points["fresh"] < 1.7
