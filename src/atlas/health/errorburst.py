"""Errors at onset: did a cause start logging errors when it started failing? Pure: no I/O.

The on-call's second look after "what changed": a component that broke (a crash, a bad
deploy, a job that fails its work items) logs errors from the moment it broke; a value that
drifted over a warn line, a backlog creeping up, or a component starved by its upstream
mostly does not. So a burst of severity>=ERROR entries in the component's own log filter,
beginning at its onset, is evidence that this is what broke. A component that always
logs errors has no burst unless the rate jumps.

The window: errors from `onset - lag - tolerance - LEAD` to `onset + AFTER`, against the
rate of the BEFORE seconds before it. The failure began before its signals could show it
(`lag`: `atlas.health.detection`), onsets are known only to `tolerance`, and a job records
its failure only when it gives up (`LEAD`): Dataflow retries a failing work item four
times in batch mode before it fails the job (cloud.google.com/dataflow/docs/guides/
troubleshoot-your-pipeline), and its workers log each failure as it happens. A burst is a count
that a Poisson process at the usual rate would reach less than once in a thousand
windows, and at least MIN_ERRORS entries. The usual rate of an empty baseline counts one
entry (the rate is not known to be 0, only to be small).

Each verdict is "burst", "none" or "unknown" (no onset, no log filter, the read failed or
was not made): a check that did not run never says none.

Triage shows it under each cause and does not weigh it (`triage.ERRORS_POINT`): on
replayed incidents a point for it lost more incidents than it won, since a second,
unrelated fault logs as often as the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BEFORE = 6 * 3600.0  # the usual error rate: the 6 h before the window
LEAD = 30 * 60.0  # errors may begin this long before the status turned (retries, then the job fails)
AFTER = 30 * 60.0  # and the first 30 min after the onset
MIN_ERRORS = 3  # fewer entries than this are never a burst
SURPRISE = 1e-3  # a count the usual rate reaches less often than this is a burst

BURST, NONE, UNKNOWN = "burst", "none", "unknown"


@dataclass(slots=True, frozen=True)
class Window:
    before: float  # epoch s: the baseline starts
    start: float  # the failure's window starts (the baseline ends)
    end: float  # the failure's window ends (never after `now`)
    closes: float  # when the window ends once `now` has passed it

    @property
    def after_span(self) -> float:
        return max(0.0, self.end - self.start)

    @property
    def before_span(self) -> float:
        return max(0.0, self.start - self.before)


def window(onset: float, lag: float, now: float, tolerance: float) -> Window:
    start = onset - lag - tolerance - LEAD
    return Window(start - BEFORE, start, min(now, onset + AFTER), onset + AFTER)


@dataclass(slots=True)
class OnsetErrors:
    verdict: str  # BURST | NONE | UNKNOWN
    note: str = ""  # UNKNOWN: why; otherwise empty
    after: int = 0  # entries in the failure's window
    before: int = 0  # entries in the baseline
    window: Window | None = None
    lower_bound: bool = False  # `after` stopped at a page limit: at least this many
    final: bool = False  # the window has closed: reading again gives the same answer

    @property
    def burst(self) -> bool:
        return self.verdict == BURST

    @property
    def usual(self) -> float:
        """Usual errors per hour (the baseline's rate)."""
        if self.window is None or not self.window.before_span:
            return 0.0
        return self.before * 3600.0 / self.window.before_span

    def to_json(self) -> dict[str, Any]:
        from atlas.health.triage import iso

        out: dict[str, Any] = {"verdict": self.verdict, "note": self.note or None}
        if self.window is not None and self.verdict != UNKNOWN:
            out.update(errors=self.after, at_least=self.lower_bound, window_start=iso(self.window.start),
                       window_end=iso(self.window.end), usual_per_hour=round(self.usual, 3),
                       baseline_errors=self.before, baseline_start=iso(self.window.before))
        return out


def unknown(note: str) -> OnsetErrors:
    return OnsetErrors(UNKNOWN, note)


def judge(after: int, before: int, win: Window, *, lower_bound: bool = False, now: float | None = None,
          settle: float = 0.0) -> OnsetErrors:
    """The verdict for `after` entries in the failure's window and `before` in its baseline.
    `settle`: how long after the window's end entries may still arrive (final after that)."""
    final = now is not None and now >= win.closes + settle
    if not win.after_span:
        return OnsetErrors(UNKNOWN, "the failure's window has not begun", window=win)
    rate = max(before, 1) / max(win.before_span, 1.0)  # an empty baseline counts one entry
    expected = rate * win.after_span
    burst = after >= MIN_ERRORS and poisson_sf(after, expected) < SURPRISE
    return OnsetErrors(BURST if burst else NONE, "", after, before, win, lower_bound, final)


def poisson_sf(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), summed in log space (k up to a page of 1,000)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    log_lam = math.log(lam)
    below = 0.0  # P(X < k)
    for i in range(k):
        below += math.exp(i * log_lam - lam - math.lgamma(i + 1))
    return max(0.0, 1.0 - below)


def line(errors: OnsetErrors | None, now: float | None = None) -> str:
    """One line for a person: "errors at onset: 12 ERROR entries in the 30 min from 03:10
    (usually 0.3 an hour)", or why that is unknown."""
    from atlas.health import readable

    if errors is None:
        return "errors at onset: unknown (not looked up)"
    if errors.verdict == UNKNOWN or errors.window is None:
        return f"errors at onset: unknown ({errors.note or 'not looked up'})"
    w = errors.window
    count = f"{'at least ' if errors.lower_bound else ''}{errors.after} error entr{'y' if errors.after == 1 else 'ies'}"
    span = f"in the {readable.duration(w.after_span)} from {readable.clock(w.start, now)}"
    usual = (f"none in the {readable.duration(w.before_span)} before" if not errors.before else
             f"usually {readable.number(round(errors.usual, 2))} an hour over the {readable.duration(w.before_span)} before")
    if errors.burst:
        return f"errors at onset: {count} {span} ({usual})"
    if not errors.after:
        return f"errors at onset: none (no error entries {span})"
    return f"errors at onset: none above its usual rate ({count} {span}; {usual})"


MAX_CHECKED = 8  # causes checked per triage: two reads each at most, inside Logging's 60 a minute


def onset_of(item: Any) -> float | None:
    """When a cause began failing: its on-and-off episode's start when it flaps (its
    `since` is only its latest flip), else its `since` (as `triage.points` reads it)."""
    shape = getattr(item, "shape", None)
    return shape.episode if shape is not None and shape.flapping else item.since


def attach(items: Any, read: Any, limit: int = MAX_CHECKED) -> None:
    """Fill `onset_errors` of the first `limit` causes with `read(item)` (an OnsetErrors);
    the causes after them say they were not checked. Run on a ranking, so the causes most
    likely to be the one are the ones checked."""
    causes = [i for i in items if i.role == "cause"]
    for n, item in enumerate(causes):
        if n >= limit:
            item.onset_errors = unknown(f"not checked: only the first {limit} causes are "
                                        "(Cloud Logging allows 60 reads a minute per project)")
        elif onset_of(item) is None:
            item.onset_errors = unknown("its onset is not known")
        else:
            item.onset_errors = read(item)
