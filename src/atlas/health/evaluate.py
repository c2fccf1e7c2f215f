"""Series and counts -> a SignalStatus with a reason a person can read. Pure: no I/O.

Rules, per signal:
- no point in the look-back: NO_DATA ("no data in the last 30 min");
- newest point older than `stale_after` (default 2 x window): STALE, with the last value;
- otherwise the newest point against warn/crit (`direction` above/below): OK/WARN/CRIT;
- ratio: bad / total at the newest aligned timestamp of the component's label groups
  (times 100 when the signal's unit is "%", so thresholds read as written);
- freshness: the value is the age of the newest point or log entry;
- log: the number of entries in the window;
- a failed query: ERROR, keeping the last known value and saying how old it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from atlas.health import readable
from atlas.health.model import SignalStatus, Status
from atlas.health.specs import SignalSpec

Point = tuple[float, float]  # (epoch seconds of the aligned point's end, value)


def level(spec: SignalSpec, value: float) -> Status:
    """OK, WARN or CRIT of one value (judge without the words: read per point)."""
    if spec.direction != "below":
        if spec.crit is not None and value > spec.crit:
            return Status.CRIT
        return Status.WARN if spec.warn is not None and value > spec.warn else Status.OK
    if spec.crit is not None and value < spec.crit:
        return Status.CRIT
    return Status.WARN if spec.warn is not None and value < spec.warn else Status.OK


def judge(spec: SignalSpec, value: float, what: str | None = None, quiet_for: float | None = None) -> tuple[Status, str]:
    """Status of a value against the thresholds, and the comparison in words.

    `quiet_for`: how long the value has been zero (seconds), for "no rows written in the
    last 40 min" instead of "rows written 0 rows/s < warn 0.001 rows/s"."""
    above = spec.direction != "below"

    def breaches(threshold: float | None) -> bool:
        if threshold is None:
            return False
        return value > threshold if above else value < threshold

    level = "crit" if breaches(spec.crit) else "warn" if breaches(spec.warn) else ""
    status = {"crit": Status.CRIT, "warn": Status.WARN}.get(level, Status.OK)
    if what is None:
        phrase = readable.flag_phrase(spec, value, bool(level)) if readable.is_flag(spec, value) else None
        if phrase is not None:
            return status, phrase
        if level and not above and value <= 0 and quiet_for is not None:
            limit = spec.crit if level == "crit" else spec.warn
            return status, (f"{readable.nothing(spec.name, quiet_for)} "
                            f"({level} below {readable.quantity(limit, spec.unit)})")
    what = what or f"{spec.name} {readable.quantity(value, spec.unit)}"
    op = ">" if above else "<"
    if level:
        limit = spec.crit if level == "crit" else spec.warn
        return status, f"{what} {op} {level} {readable.quantity(limit, spec.unit)}"
    if spec.warn is None and spec.crit is None:
        return Status.OK, what
    level, limit = ("warn", spec.warn) if spec.warn is not None else ("crit", spec.crit)
    return Status.OK, f"{what} ({level} {'above' if above else 'below'} {readable.quantity(limit, spec.unit)})"


def _status(spec: SignalSpec, status: Status, reason: str, value=None, observed_at=None, points=(),
            since: float | None = None) -> SignalStatus:
    return SignalStatus(
        component=spec.component,
        name=spec.id,
        status=status,
        reason=reason,
        value=value,
        unit=spec.unit,
        observed_at=observed_at,
        points=list(points),
        warn=spec.warn,
        crit=spec.crit,
        direction=spec.direction,
        since=since,
    )


def no_data(spec: SignalSpec, span: int | None = None) -> SignalStatus:
    return _status(spec, Status.NO_DATA, f"no data in the last {readable.duration(span or spec.lookback)}")


def _stale(spec: SignalSpec, value: float, at: float, now: float, points) -> SignalStatus | None:
    age = now - at
    if age <= spec.stale_horizon:
        return None
    reason = (
        f"{spec.name}: newest point {readable.duration(age)} old (stale after "
        f"{readable.duration(spec.stale_horizon)}), last value {readable.quantity(value, spec.unit)}"
    )
    return _status(spec, Status.STALE, reason, value, at, points, since=at + spec.stale_horizon)


def evaluate_points(spec: SignalSpec, points: Iterable[Point], now: float) -> SignalStatus:
    """A metric or metric-freshness signal from its (already reduced) points."""
    oldest = now - spec.lookback
    pts = sorted(p for p in points if p[0] >= oldest)
    if not pts:
        if spec.on_absent == "zero" and spec.type == "metric":
            return _none_counted(spec, now, None, pts)
        if spec.on_absent in ("warn", "crit"):
            # silent for longer than the look-back: still the finding, never NO_DATA (which
            # triage ignores); when it began is beyond what this query saw. A metric freshness
            # signal (the newest successful run) lands here when its labels match no series:
            # a typo in them must not read as "nothing measured"
            status = Status.WARN if spec.on_absent == "warn" else Status.CRIT
            return _status(spec, status, f"{spec.name}: no points in the last {readable.duration(spec.lookback)} "
                                         f"for {_labels(spec)}: stopped, not reporting, mislabelled "
                                         "or never reported")
        return no_data(spec)
    at, value = pts[-1]
    if spec.type == "freshness":
        return freshness(spec, at, now, pts)
    quiet = now - at
    if spec.on_absent in ("warn", "crit") and quiet >= spec.absent_after:
        # a counter Google stopped writing: silence is the finding, not the last value
        status = Status.WARN if spec.on_absent == "warn" else Status.CRIT
        reason = (f"{spec.name}: no points for {readable.duration(quiet)}: stopped or not reporting "
                  f"(last {readable.quantity(value, spec.unit)} at {readable.clock(at, now)})")
        return _status(spec, status, reason, value, at, pts, since=at)
    if spec.on_absent == "zero" and quiet >= spec.alignment_period:
        return _none_counted(spec, now, at, pts)
    stale = _stale(spec, value, at, now, pts)
    if stale is not None:
        return stale
    status, text = judge(spec, value, quiet_for=_quiet_for(spec, pts, now))
    since = onset(spec, pts, status)
    if text.startswith("no ") or " zero " in text:  # already says over which span
        return _status(spec, status, text, value, at, pts, since=since)
    return _status(spec, status, f"{text}, {readable.ago(now - at)}", value, at, pts, since=since)


def _labels(spec: SignalSpec) -> str:
    """The series the query asked for, as the user can check them against the component."""
    terms = [f'{k}="{v}"' for k, v in (*spec.resource_labels, *spec.metric_labels)]
    return ", ".join(terms) or spec.metric_type


def _none_counted(spec: SignalSpec, now: float, last: float | None, pts: list[Point]) -> SignalStatus:
    """on_absent = "zero": a DELTA counter of events (failures) has no point for a period
    with no event; the newest period counts zero."""
    status, _ = judge(spec, 0.0)
    reason = (f"{spec.name}: none in the last {readable.duration(spec.alignment_period)} "
              f"(Google writes no point while there are none)")
    since = None
    if last is not None:  # the newest counted period stopped counting when it left the window
        since = last + spec.alignment_period
        bad = [t for t, v in pts if level(spec, v) is not Status.OK]
        if status is Status.OK and not bad:
            since = None
    return _status(spec, status, reason, 0.0, now, pts, since=since)


def onset(spec: SignalSpec, pts: list[Point], status: Status) -> float | None:
    """When the current status began: the first point of the trailing run of points that are
    OK (for OK) or failing at either level (for WARN and CRIT: a WARN that turned CRIT ten
    minutes ago has been failing since the WARN began, and triage orders onsets by it); each
    point's period starts one alignment period before it. A failing run that reaches the
    oldest point began at least then; an OK run is dated only when a failing point precedes
    it ("recovered 20 min ago")."""
    ok = status is Status.OK
    start = None
    for t, v in reversed(pts):
        if (level(spec, v) is Status.OK) is not ok:
            return start if start is not None else None
        start = t - spec.alignment_period
    return start if not ok else None


def _quiet_for(spec: SignalSpec, pts: list[Point], now: float) -> float | None:
    """Seconds the series has been at zero: from the start of its trailing run of zero
    points (each point covers one alignment period) to now; None when the last is not zero."""
    if not pts or pts[-1][1] > 0:
        return None
    first_zero = pts[-1][0]
    for t, v in reversed(pts):
        if v > 0:
            break
        first_zero = t
    return now - first_zero + spec.alignment_period


def freshness(spec: SignalSpec, newest: float | None, now: float, points=()) -> SignalStatus:
    """Age of the newest point or entry against age thresholds."""
    if newest is None:
        return no_data(spec)
    age = max(0.0, now - newest)
    above = spec.direction != "below"
    status = Status.OK
    limit_word = ""
    if spec.crit is not None and (age > spec.crit if above else age < spec.crit):
        status, limit_word = Status.CRIT, f" > crit {readable.duration(spec.crit)}"
    elif spec.warn is not None and (age > spec.warn if above else age < spec.warn):
        status, limit_word = Status.WARN, f" > warn {readable.duration(spec.warn)}"
    reason = f"{spec.name}: newest {readable.duration(age)} old{limit_word} (at {readable.clock(newest, now)})"
    # an age crosses its threshold at a known moment: the newest entry's time plus the limit
    # (the first one it crossed: a CRIT age was a WARN age before)
    first = spec.warn if spec.warn is not None else spec.crit
    since = newest + first if status is not Status.OK and first is not None else None
    return _status(spec, status, reason, round(age, 3), newest, points, since=since)


def is_bad(spec: SignalSpec, label_value: str) -> bool:
    listed = label_value in spec.ratio_bad
    return listed if spec.ratio_bad_mode == "include" else not listed


def evaluate_ratio(spec: SignalSpec, by_label: Mapping[str, Iterable[Point]], now: float) -> SignalStatus:
    """bad / total at the newest timestamp any of the component's label groups has."""
    series = {label: {t: v for t, v in pts if now - t <= spec.lookback} for label, pts in by_label.items()}
    times = sorted({t for pts in series.values() for t in pts})
    if not times:
        return no_data(spec)
    ratios: list[Point] = []
    for t in times:
        total = sum(pts.get(t, 0.0) for pts in series.values())
        if total > 0:
            bad = sum(pts.get(t, 0.0) for label, pts in series.items() if is_bad(spec, label))
            ratios.append((t, bad / total * (100.0 if spec.unit == "%" else 1.0)))
    at = times[-1]
    if not ratios or ratios[-1][0] != at:
        if now - at > spec.stale_horizon:
            return _status(spec, Status.STALE, f"{spec.name}: no requests for {readable.duration(now - at)}")
        return _status(spec, Status.NO_DATA, f"{spec.name}: no requests {readable.ago(now - at)}, ratio undefined", None, at)
    value = ratios[-1][1]
    stale = _stale(spec, value, at, now, ratios)
    if stale is not None:
        return stale
    status, text = judge(spec, value)
    return _status(spec, status, f"{text}, {readable.ago(now - at)}", value, at, ratios,
                   since=onset(spec, ratios, status))


def evaluate_log_count(spec: SignalSpec, count: int, now: float, capped: bool = False, newest: float | None = None) -> SignalStatus:
    """Entries matching the log filter in the window; `capped`: there are at least `count`."""
    status, text = judge(spec, float(count), f"{spec.name} {'>=' if capped else ''}{count} {spec.unit or ('entry' if count == 1 else 'entries')}")
    reason = f"{text} in the last {readable.duration(spec.window)}"
    return _status(spec, status, reason, float(count), now if newest is None else newest)


def failed(spec: SignalSpec, message: str, previous: SignalStatus | None, now: float) -> SignalStatus:
    """The query failed: ERROR, keeping the last known value and its age."""
    reason = f"query failed: {message}"
    # a value seen after `now` (a live refresh, then `triage --at` an hour back) is no
    # "last known value" of that moment
    if (previous is not None and previous.value is not None and previous.observed_at is not None
            and previous.observed_at <= now):
        reason += (
            f" (last value {readable.quantity(previous.value, previous.unit)} at "
            f"{readable.clock(previous.observed_at, now)}, {readable.duration(now - previous.observed_at)} old)"
        )
        return _status(spec, Status.ERROR, reason, previous.value, previous.observed_at, previous.points)
    return _status(spec, Status.ERROR, reason)


def unqueryable(spec: SignalSpec) -> SignalStatus:
    return _status(spec, Status.ERROR, f"cannot query: {spec.problem}")
