"""Numbers, ages and durations as an on-call engineer reads them in a reason."""

from __future__ import annotations

import time


def number(value: float) -> str:
    if value != value:  # NaN
        return "NaN"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def duration(seconds: float) -> str:
    """12 s, 5 min, 3.5 h, 2 d: the largest unit that keeps the number readable."""
    s = abs(seconds)
    if s < 120:
        return f"{s:.0f} s"
    if s < 2 * 3600:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{number(round(s / 3600, 1))} h"
    return f"{number(round(s / 86400, 1))} d"


def quantity(value: float, unit: str) -> str:
    if unit == "%":
        return f"{number(value)} %"
    return f"{number(value)} {unit}".rstrip()


def ago(age_seconds: float) -> str:
    if age_seconds < 60:
        return "just now"
    if age_seconds < 2 * 3600:
        return f"{int(age_seconds // 60)} min ago"
    return f"{duration(age_seconds)} ago"


def clock(epoch: float, now: float | None = None) -> str:
    """HH:MM in UTC (the same for everyone on the incident call); with the date when the
    moment is more than 20 h before `now`, so "at 01:58" is never ambiguous."""
    if now is not None and now - epoch > 20 * 3600:
        return time.strftime("%b %d %H:%M", time.gmtime(epoch))
    return time.strftime("%H:%M", time.gmtime(epoch))


# Thresholds of a 0/1 gauge (is_failed, healthy, state): 0 or 1, or 0.5 between them.
_FLAG_THRESHOLDS = (0.0, 0.5, 1.0)


def is_flag(spec, value: float) -> bool:
    """A unitless gauge that is 0 or 1 with thresholds only at 0, 0.5 or 1: a yes/no."""
    limits = [t for t in (spec.warn, spec.crit) if t is not None]
    return (not spec.unit and value in (0.0, 1.0) and bool(limits)
            and all(t in _FLAG_THRESHOLDS for t in limits) and bool(spec.metric_type))


def flag_phrase(spec, value: float, breached: bool) -> str:
    """"job failed (is_failed = 1)" when it fires, "job failed: no (is_failed = 0)" when not."""
    metric = spec.metric_type.rsplit("/", 1)[-1]
    if spec.name == metric:  # no human name declared: the gauge alone says it
        return f"{metric} = {value:.0f}"
    shown = f"({metric} = {value:.0f})"
    fires_when_one = spec.direction != "below"
    if breached and fires_when_one:
        return f"{spec.name} {shown}"
    return f"{spec.name}: {'yes' if value else 'no'} {shown}"


def nothing(name: str, seconds: float) -> str:
    """"no rows written in the last 40 min"; a rate reads "publish rate zero for 40 min"."""
    span = duration(seconds)
    if name.endswith("rate"):
        return f"{name} zero for the last {span}"
    return f"no {name} in the last {span}"


def onset(status: str, since: float | None, now: float) -> str:
    """"failing for 3 h" (WARN, CRIT, STALE), "recovered 20 min ago" (OK), or "" when the
    onset is unknown. `status` is the Status value."""
    if since is None:
        return ""
    age = max(0.0, now - since)
    if status in ("WARN", "CRIT", "STALE"):
        return f"failing for {duration(age) if age >= 60 else 'under a minute'}"
    if status == "OK":
        return f"recovered {ago(age)}"
    return ""
