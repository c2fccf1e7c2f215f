"""Cron schedules as Kubeflow's scheduler reads them: six fields, seconds first.

KFP's ScheduledWorkflow controller uses robfig/cron with seconds (`0 0 3 * * *` is 03:00
daily; backend/src/crd/controller/scheduledworkflow/util/cron_schedule.go). Vertex AI
schedules use five fields, optionally prefixed "TZ=..." / "CRON_TZ=...": read as seconds 0,
the fields as wall-clock times in that IANA zone (UTC without a prefix). Supports *, lists,
ranges, steps and @daily-style shorthands. Pure: no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt

_SHORTHANDS = {"@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
               "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *",
               "@hourly": "0 0 * * * *"}
_BOUNDS = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_NAMES = [{}, {}, {}, {}, {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m},
          {d.lower(): (i + 1) % 7 for i, d in enumerate(calendar.day_abbr)}]


class CronError(ValueError):
    pass


class Cron:
    def __init__(self, text: str) -> None:
        self.text = text
        spec = text.strip()
        self.tz: dt.tzinfo = dt.timezone.utc
        if spec.split()[:1] and spec.split()[0].startswith(("TZ=", "CRON_TZ=")):
            self.tz = _zone(spec.split()[0].split("=", 1)[1], text)
            spec = " ".join(spec.split()[1:])
        spec = _SHORTHANDS.get(spec, spec)
        parts = spec.split()
        if len(parts) == 5:
            parts = ["0", *parts]
        if len(parts) != 6:
            raise CronError(f"cron {text!r}: expected six fields (seconds first), got {len(parts)}")
        self.sets = [_field(p, i, text) for i, p in enumerate(parts)]
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
        n = self.next_after(fire)
        return (n - fire) if n is not None else 86400.0


def _zone(name: str, whole: str) -> dt.tzinfo:
    """Vertex's "TZ=${IANA_TIME_ZONE}" prefix (schedule.proto Schedule.cron)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"cron {whole!r}: unknown time zone {name!r}") from None


def _field(text: str, index: int, whole: str) -> set[int]:
    lo, hi = _BOUNDS[index]
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
