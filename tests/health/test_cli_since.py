"""`atlas health` exit code on NO_DATA, and since-when in its text and JSON."""

from __future__ import annotations

import json
import time

import pytest

from .live import start_emulator
from .test_cli import LOG_FILTERS, SIGNALS, dataflow, run
from tests.helpers import write_catalog


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("since-scenario"), now=time.time)
    yield emu
    emu.stop()


def catalog(tmp_path, *ids):
    return write_catalog(tmp_path, [dataflow(i) for i in ids], signals=SIGNALS, log_filters=LOG_FILTERS)


def test_no_data_on_a_component_with_signals_exits_1_unless_allowed(emulator, tmp_path):
    root = catalog(tmp_path, "j-ok", "j-none")  # j-none declares system_lag and has no series
    assert run(["health", "--catalog", str(root), "--component", "j-none"], emulator).exit_code == 1
    allowed = run(["health", "--catalog", str(root), "--component", "j-none", "--allow-no-data"], emulator)
    assert allowed.exit_code == 0
    assert run(["health", "--catalog", str(root), "--component", "j-ok"], emulator).exit_code == 0


def test_failing_rows_say_since_when_and_json_carries_iso_since(emulator, tmp_path):
    root = catalog(tmp_path, "j-crit")
    text = run(["health", "--catalog", str(root)], emulator).stdout
    assert "; failing for " in text.splitlines()[2]
    data = json.loads(run(["health", "--catalog", str(root), "--json"], emulator).stdout)
    assert data[0]["since"].endswith("Z") and data[0]["signals"][0]["since"] == data[0]["since"]
