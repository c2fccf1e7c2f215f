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
