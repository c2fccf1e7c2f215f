"""Errors at onset read from Cloud Logging: the real client against the loopback emulator,
which pages at 1,000 entries and refuses reads over its per-minute quota as Google does."""

from __future__ import annotations

import pytest

from atlas.catalog.model import LogFilterTemplate
from atlas.health.clients import make_clients
from atlas.health.model import Status
from atlas.health.onset_errors import OnsetErrorReader
from atlas.health.triage import TriageItem

from .builders import NOW, failed_signal, job, make_catalog
from .live import DATAFLOW_LOGS, start_emulator

ONSET = NOW - 2 * 3600  # every job below began failing 2 h ago (its window has closed)

SCENARIO = """
[scenario]
name = "onset-errors"
project = "proj-a"
logging_read_quota = {quota}

[[log]]        # quiet: 5 worker errors as it broke, nothing before
at = "-2h10m"
every = "1m"
repeat = 5
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = {{ job_name = "j-quiet" }}
text = "KeyError: 'dwell_time_ms'"

[[log]]        # chatty: a retried error every 5 min all day, the same after its onset
at = "-12h"
every = "5m"
repeat = 144
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = {{ job_name = "j-chatty" }}
text = "retrying read"

[[log]]        # flood: 1,500 errors in its first half hour, two before: more than one page
at = "-2h20m"
every = "1s"
repeat = 1500
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = {{ job_name = "j-flood" }}
text = "UNAVAILABLE: upstream connect error"

[[log]]
at = "-5h"
every = "1h"
repeat = 2
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = {{ job_name = "j-flood" }}
text = "deadline exceeded"

[[log]]        # an INFO storm is no error burst
at = "-2h10m"
every = "10s"
repeat = 100
severity = "INFO"
resource_type = "dataflow_step"
resource_labels = {{ job_name = "j-info" }}
text = "autoscaling"
"""


def catalog():
    return make_catalog([job(c) for c in ("j-quiet", "j-chatty", "j-flood", "j-info", "j-none")],
                        [failed_signal()], log_filters=[DATAFLOW_LOGS])


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    emu = start_emulator(tmp_path_factory.mktemp("onset"), SCENARIO.format(quota=60))
    yield emu
    emu.stop()


def reader_for(emu, cat=None):
    clients = make_clients({"MONITORING_EMULATOR_HOST": emu.address, "LOGGING_EMULATOR_HOST": emu.address})
    return OnsetErrorReader(cat or catalog(), lambda: clients)


def cause(cid: str, since: float = ONSET) -> TriageItem:
    return TriageItem(cid, Status.CRIT, "job failed", "cause", since=since)


def test_a_quiet_job_that_broke_with_errors_has_a_burst_and_a_chatty_one_does_not(emulator):
    reader = reader_for(emulator)
    quiet = reader.read("j-quiet", ONSET, NOW)
    assert (quiet.verdict, quiet.after, quiet.before, quiet.final) == ("burst", 5, 0, True)
    chatty = reader.read("j-chatty", ONSET, NOW)
    assert chatty.verdict == "none" and chatty.before == 72 and chatty.after in (13, 14)
    assert reader.read("j-info", ONSET, NOW).verdict == "none"  # INFO entries are not errors
    none = reader.read("j-none", ONSET, NOW)
    assert (none.verdict, none.after, none.before) == ("none", 0, 0)  # read, and nothing there
    request = emulator.requests[-1]
    assert 'resource.labels.job_name="j-none" AND severity>=ERROR AND timestamp>="' in request.filter
    assert "timestamp<=" in request.filter and request.order_by == "timestamp desc"


def test_a_full_page_inside_the_window_reads_the_baseline_on_its_own(emulator):
    reader = reader_for(emulator)
    calls = reader.calls
    flood = reader.read("j-flood", ONSET, NOW)
    assert flood.verdict == "burst" and flood.lower_bound and flood.after == 1000 and flood.before == 2
    assert reader.calls - calls == 2  # the window's first page, then the baseline alone


def test_a_closed_window_is_read_once_a_session(emulator):
    reader = reader_for(emulator)
    reader.read("j-quiet", ONSET, NOW)
    calls = reader.calls
    assert reader.read("j-quiet", ONSET, NOW).verdict == "burst"
    assert reader.calls == calls
    fresh = reader.read("j-quiet", NOW - 600, NOW)  # began 10 min ago: its window is still open
    assert not fresh.final


def test_a_component_without_a_log_filter_is_unknown_and_costs_no_call(emulator):
    cat = catalog()
    cat.log_filters = []
    reader = reader_for(emulator, cat)
    got = reader.read("j-quiet", ONSET, NOW)
    assert (got.verdict, got.note) == ("unknown", "no log filter for kind dataflow_job in the catalog ([[log_filter]])")
    assert reader.calls == 0


def test_over_the_read_quota_the_rest_of_the_round_says_so_instead_of_asking(tmp_path):
    emu = start_emulator(tmp_path, SCENARIO.format(quota=2))
    try:
        reader = reader_for(emu)
        items = [cause(c) for c in ("j-quiet", "j-chatty", "j-info", "j-none")]
        reader.attach(items, NOW)
        verdicts = [i.onset_errors.verdict for i in items]
        assert verdicts == ["burst", "none", "unknown", "unknown"]
        assert items[2].onset_errors.note == "Cloud Logging: quota exhausted on proj-a"
        assert items[3].onset_errors.note == "not checked: Cloud Logging: quota exhausted on proj-a"
        assert emu.calls["ListLogEntries"] == 3  # the refused one, and no more
    finally:
        emu.stop()


def test_a_log_filter_whose_label_is_missing_is_unknown_and_costs_no_call(emulator):
    cat = catalog()
    cat.log_filters = [LogFilterTemplate(kinds=("dataflow_job",), filter='resource.labels.job_name="{job_nam}"')]
    reader = reader_for(emulator, cat)
    got = reader.read("j-quiet", ONSET, NOW)
    assert (got.verdict, got.note) == ("unknown", "its log filter's {job_nam} has no value (add it under [component.labels])")
    assert reader.calls == 0
