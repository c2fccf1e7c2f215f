"""Cron schedules as Kubeflow's scheduler reads them: six fields, seconds first.

KFP's API server validates and its ScheduledWorkflow controller fires with robfig/cron v1.2.0
(go.mod; `cron.Parse` in backend/src/apiserver/server/api_converter.go and
backend/src/crd/controller/scheduledworkflow/util/cron_schedule.go), whose default parser is
Second | Minute | Hour | Dom | Month | DowOptional | Descriptor (parser.go): `0 0 3 * * *` is
03:00 daily; day of week is 0-6 (7 is "above maximum", spec.go bounds); a spec starting with
"@" is a descriptor, matched exactly: @yearly @annually @monthly @weekly @daily @midnight
@hourly, or `@every <Go duration>` (ConstantDelaySchedule: the previous fire plus the delay,
whole seconds, at least 1 s). Vertex AI schedules use five fields, optionally prefixed
"TZ=..." / "CRON_TZ=...": read as seconds 0, the fields as wall-clock times in that IANA zone
(UTC without a prefix). Supports *, ?, lists, ranges, steps and names. Pure: no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_SHORTHANDS = {"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
               "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *",
               "@hourly": "0 0 * * * *"}
_BOUNDS = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_NAMES = [{}, {}, {}, {}, {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m},
          {d.lower(): (i + 1) % 7 for i, d in enumerate(calendar.day_abbr)}]


class CronError(ValueError):
    pass


# Go's time.ParseDuration: a sequence of decimal numbers with units, e.g. "6h", "1h30m", "1.5h"
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_GO_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def _go_duration(text: str, whole: str) -> float:
    sign, body = (-1.0, text[1:]) if text[:1] == "-" else (1.0, text[1:] if text[:1] == "+" else text)
    if body == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(body):
        m = _GO_PART.match(body, pos)
        if m is None:
            raise CronError(f"cron {whole!r}: failed to parse duration {text!r} (Go durations such as 6h, 1h30m, 90s)")
        total += float(m.group(1)) * _GO_UNITS[m.group(2)]
        pos = m.end()
    if not body:
        raise CronError(f"cron {whole!r}: failed to parse duration {text!r} (Go durations such as 6h, 1h30m, 90s)")
    return sign * total


class Cron:
    """`dialect`: "kfp" (robfig: a five-field spec is seconds, minute, hour, day, month with
    day of week optional, so `0 3 * * *` fires at minute 3 of every hour) or "vertex"
    (unix cron: five fields are minute, hour, day, month, day of week)."""

    def __init__(self, text: str, dialect: str = "kfp") -> None:
        self.text = text
        self.every: float | None = None  # `@every <duration>`: seconds between fires
        self.tz: dt.tzinfo = dt.timezone.utc
        if text.startswith("@"):  # robfig: a descriptor only when "@" is the first character
            if text.startswith("@every "):
                # Every(): under a second rounds up to 1 s; fractions of a second are dropped
                self.every = float(max(1, int(_go_duration(text[len("@every "):], text))))
                return
            if text not in _SHORTHANDS:
                raise CronError(f"cron {text!r}: unrecognized descriptor (KFP accepts "
                                f"{', '.join(_SHORTHANDS)} and @every <duration>)")
        spec = text.strip()
        zoned = bool(spec.split()[:1]) and spec.split()[0].startswith(("TZ=", "CRON_TZ="))
        if zoned:
            self.tz = _zone(spec.split()[0].split("=", 1)[1], text)
            spec = " ".join(spec.split()[1:])
        if text.startswith("@") or zoned:  # " @daily" is six fields short for robfig, not a descriptor
            spec = _SHORTHANDS.get(spec, spec)
        parts = spec.split()
        # five fields: unix cron (Vertex, or a TZ= prefix) lacks the seconds; robfig's
        # DowOptional (self-hosted KFP) lacks the day of week
        unix = len(parts) == 5 and (dialect != "kfp" or zoned)
        if len(parts) == 5:
            parts = ["0", *parts] if unix else [*parts, "*"]
        if len(parts) != 6:
            raise CronError(f"cron {text!r}: expected six fields (seconds first), got {len(parts)}")
        # robfig's day of week is 0-6; a five-field (Vertex, unix-cron) spec keeps 7 = Sunday
        self._dow_max = 7 if unix else 6
        self.sets = [_field(p, i, text, self._dow_max) for i, p in enumerate(parts)]
        self._dom_any, self._dow_any = parts[3] in ("*", "?"), parts[5] in ("*", "?")

    def _day_ok(self, d: dt.date) -> bool:
        if d.month not in self.sets[4]:
            return False
        dom, dow = d.day in self.sets[3], (d.isoweekday() % 7) in self.sets[5]
        if self._dom_any or self._dow_any:  # robfig: either restricted field alone decides
            return dom and dow
        return dom or dow

    def next_after(self, t: float) -> float | None:
        """The first fire time strictly after epoch `t` (within ~4 years), else None."""
        if self.every is not None:  # ConstantDelaySchedule.Next: t plus the delay, on the second
            return float(int(t)) + self.every
        start = dt.datetime.fromtimestamp(int(t), self.tz)  # fields are wall-clock times in the cron's zone
        secs, mins, hours = sorted(self.sets[0]), sorted(self.sets[1]), sorted(self.sets[2])
        day = start.date()
        for _ in range(1500):
            if self._day_ok(day):
                for h in hours:
                    for m in mins:
                        for s in secs:
                            c = dt.datetime(day.year, day.month, day.day, h, m, s, tzinfo=self.tz)
                            if c > start:
                                return c.timestamp()
            day += dt.timedelta(days=1)
        return None

    def previous_at_or_before(self, t: float, period_hint: float) -> float | None:
        """The newest fire time <= t (searching back a few periods)."""
        probe = t - 2 * max(period_hint, 1.0)
        best = None
        while True:
            n = self.next_after(probe)
            if n is None or n > t:
                return best
            best, probe = n, n

    def period_after(self, fire: float) -> float:
        """Seconds from fire time `fire` to the next one."""
        if self.every is not None:
            return self.every
        n = self.next_after(fire)
        return (n - fire) if n is not None else 86400.0


def _zone(name: str, whole: str) -> dt.tzinfo:
    """Vertex's "TZ=${IANA_TIME_ZONE}" prefix (schedule.proto Schedule.cron)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"cron {whole!r}: unknown time zone {name!r}") from None


def _field(text: str, index: int, whole: str, dow_max: int = 6) -> set[int]:
    lo, hi = _BOUNDS[index]
    if index == 5 and dow_max == 6:
        for n in re.findall(r"\d+", text.split("/")[0] if text.count("/") == 1 else text):
            if int(n) > 6:
                raise CronError(f"cron {whole!r}: day of week {n} is above the maximum 6 (KFP's robfig/cron: 0-6, Sunday 0)")
    out: set[int] = set()
    for item in text.lower().split(","):
        step = 1
        if "/" in item:
            item, _, s = item.partition("/")
            if not s.isdigit() or int(s) == 0:
                raise CronError(f"cron {whole!r}: bad step in {text!r}")
            step = int(s)
        if item in ("*", "?"):
            a, b = lo, hi
        elif "-" in item:
            a, _, b = item.partition("-")
            a, b = _num(a, index, whole), _num(b, index, whole)
        else:
            a = _num(item, index, whole)
            b = hi if step > 1 else a
        if index == 5 and b == 7:
            b = 6
            out.add(0)
        if not (lo <= a <= hi and lo <= b <= hi and a <= b):
            raise CronError(f"cron {whole!r}: {text!r} is out of range {lo}-{hi}")
        out.update(range(a, b + 1, step))
    return out


def _num(text: str, index: int, whole: str) -> int:
    if text in _NAMES[index]:
        return _NAMES[index][text]
    if not text.isdigit():
        raise CronError(f"cron {whole!r}: {text!r} is not a number")
    n = int(text)
    return 0 if index == 5 and n == 7 else n
