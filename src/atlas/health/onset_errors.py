"""Reads a cause's error entries around its onset from Cloud Logging, for `atlas.health.errorburst`.

One entries.list per cause, severity>=ERROR in the component's own log filter, newest
first, over the failure's window and its baseline; a second one only when the first page
of 1,000 filled inside the failure's window (then the baseline is read on its own). A
full page of the baseline gives its rate over the span it covers, not a guess.

Cloud Logging allows 60 entries.list calls a minute per project (cloud.google.com/logging/
quotas): a triage checks at most `errorburst.MAX_CHECKED` causes, a verdict whose window
has closed is kept for the session (the next refresh does not read it again), and once
the quota or the endpoint refuses, the remaining causes of that round say so instead of
each being refused in turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from atlas.catalog.model import Catalog, unfilled_placeholders
from atlas.health import detection, errorburst, logs
from atlas.health.errorburst import OnsetErrors, Window, judge, unknown
from atlas.health.onset import DEFAULT_TOLERANCE


class OnsetErrorReader:
    def __init__(self, catalog: Catalog, clients: Callable[[], Any], *, tolerance: float = DEFAULT_TOLERANCE):
        self.catalog = catalog
        self._clients = clients  # -> atlas.health.clients.Clients, built on first use
        self.tolerance = tolerance
        self._lag = detection.lags(catalog)
        self._kept: dict[tuple[str, float], OnsetErrors] = {}  # closed windows: final verdicts
        self._lock = threading.Lock()
        self.calls = 0  # entries.list calls made, pages included (what the quota counts)

    def attach(self, items: list[Any], now: float) -> None:
        """Fill `onset_errors` on the first MAX_CHECKED causes of a ranking (`errorburst.attach`)."""
        refused: list[str] = []  # set once the quota or the endpoint refused: the rest say so

        def read(item: Any) -> OnsetErrors:
            if refused:
                return unknown(f"not checked: {refused[0]}")
            got, stop = self._read(item.component, errorburst.onset_of(item), now)
            if stop:
                refused.append(got.note)
            return got

        with self._lock:
            errorburst.attach(items, read)

    def read(self, component_id: str, onset: float | None, now: float) -> OnsetErrors:
        with self._lock:
            return self._read(component_id, onset, now)[0]

    def _read(self, component_id: str, onset: float | None, now: float) -> tuple[OnsetErrors, bool]:
        """The verdict, and whether the later reads of this round would be refused too."""
        comp = self.catalog.components.get(component_id)
        if comp is None:
            return unknown("not a catalog component: no logs of its own"), False
        if onset is None:
            return unknown("its onset is not known"), False
        flt = self.catalog.log_filter_for(comp)
        if not flt:
            return unknown(f"no log filter for kind {comp.kind} in the catalog ([[log_filter]])"), False
        if left := unfilled_placeholders(flt):  # a query that matches nothing would read "none"
            return unknown(f"its log filter's {', '.join('{' + name + '}' for name in left)} has no value "
                           "(add it under [component.labels])"), False
        win = errorburst.window(onset, self._lag(component_id), now, self.tolerance)
        key = (component_id, win.start)
        if key in self._kept:
            return self._kept[key], False
        clients = self._clients()
        client = getattr(clients, "logging", None)
        if client is None:
            return unknown(getattr(clients, "logging_problem", "") or "no Cloud Logging client"), False
        where = getattr(comp, "log_resource", "") or comp.project
        try:
            got = self._count(clients, client, where, flt, win, now)
        except Exception as exc:  # noqa: BLE001 - one line on the cause, never fatal
            from atlas.health.clients import refused_read

            note, stop = refused_read(exc, clients, comp.project)
            return unknown(f"Cloud Logging: {note}"), stop
        if got.final:
            self._kept[key] = got
        return got, False

    def _count(self, clients: Any, client: Any, where: str, flt: str, win: Window, now: float) -> OnsetErrors:
        def read(since: float, until: float) -> logs.LogRead:
            result = logs.read(client, where, logs.bounded(flt, since, errors_only=True, until=until),
                               logs.COUNT_CAP, retry=clients.retry, timeout=clients.timeout)
            self.calls += result.calls
            return result

        first = read(win.before, win.end)
        if first.incomplete:
            return unknown(f"the log search was still running after {first.calls} pages")
        times = [logs.entry_time(e) for e in first.entries]
        after = sum(t >= win.start for t in times)
        before = len(times) - after
        covered = win
        lower_bound = False
        if first.more:  # a full page: newest first, so it covers [oldest read, end] only
            oldest = min(times)
            if oldest >= win.start:  # it filled inside the failure's window: the baseline on its own
                lower_bound = True
                base = read(win.before, win.start)
                if base.incomplete:
                    return unknown(f"the baseline's log search was still running after {base.calls} pages")
                base_times = [logs.entry_time(e) for e in base.entries]
                before = len(base_times)
                if base.more:
                    covered = Window(min(base_times), win.start, win.end, win.closes)
            else:  # every entry of the window was read; the baseline's rate over what the page covered
                covered = Window(oldest, win.start, win.end, win.closes)
        return judge(after, before, covered, lower_bound=lower_bound, now=now, settle=detection.LOG_VISIBLE)
