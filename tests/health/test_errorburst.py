"""Errors at onset, the pure judgement (atlas.health.errorburst): a burst of a cause's own
error entries beginning at its onset, against its usual rate. No I/O."""

from __future__ import annotations

from atlas.health import errorburst
from atlas.health.errorburst import AFTER, BEFORE, LEAD, judge, window
from atlas.health.model import Status
from atlas.health.triage import TriageItem

ONSET = 1_790_000_000.0
NOW = ONSET + 3600


def win(now: float = NOW):
    return window(ONSET, lag=120, now=now, tolerance=300)


def test_the_window_starts_before_the_onset_by_lag_tolerance_and_a_jobs_retries():
    w = win()
    assert w.start == ONSET - 120 - 300 - LEAD
    assert w.end == ONSET + AFTER and w.before == w.start - BEFORE
    assert window(ONSET, 120, ONSET + 60, 300).end == ONSET + 60  # never reads the future


def test_a_few_errors_on_a_quiet_component_are_a_burst_and_the_same_on_a_chatty_one_are_not():
    assert judge(4, 0, win(), now=NOW).burst
    assert not judge(2, 0, win(), now=NOW).burst  # under MIN_ERRORS: never a burst
    chatty = int(60 * BEFORE / 3600)  # 60 an hour, all day
    usual_in_window = 60 * win().after_span / 3600
    assert not judge(int(usual_in_window), chatty, win(), now=NOW).burst
    assert judge(int(3 * usual_in_window), chatty, win(), now=NOW).burst


def test_a_verdict_is_final_only_once_its_window_has_closed():
    assert not judge(4, 0, win(ONSET + 600), now=ONSET + 600, settle=60).final
    assert judge(4, 0, win(), now=NOW, settle=60).final


def test_the_line_says_what_was_counted_and_against_what():
    assert errorburst.line(judge(6, 0, win(), now=NOW)) == (
        "errors at onset: 6 error entries in the 67 min from 13:36 (none in the 6 h before)")
    assert errorburst.line(judge(6, 6000, win(), lower_bound=False, now=NOW)).startswith(
        "errors at onset: none above its usual rate (6 error entries in the 67 min from 13:36; usually 1000 an hour")
    assert errorburst.line(errorburst.unknown("no log filter for kind model")) == (
        "errors at onset: unknown (no log filter for kind model)")
    assert errorburst.line(None) == "errors at onset: unknown (not looked up)"


def test_only_the_first_causes_are_read_and_the_rest_say_they_were_not():
    items = [TriageItem(f"c{i}", Status.CRIT, "", "cause", since=ONSET) for i in range(10)]
    items[1].since = None
    items.append(TriageItem("s", Status.WARN, "", "symptom", since=ONSET))
    read = []
    errorburst.attach(items, lambda item: read.append(item.component) or judge(5, 0, win(), now=NOW))
    assert read == [f"c{i}" for i in range(8) if i != 1]
    assert items[1].onset_errors.note == "its onset is not known"
    assert all(i.onset_errors.verdict == "unknown" and "not checked" in i.onset_errors.note for i in items[8:10])
    assert items[-1].onset_errors is None  # a symptom is never read
    assert items[0].to_json()["errors_at_onset"]["verdict"] == "burst"
    assert items[9].to_json()["errors_at_onset"] == {"verdict": "unknown", "note": items[9].onset_errors.note}
