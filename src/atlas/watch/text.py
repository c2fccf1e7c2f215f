"""The watch as text for the terminal: one block per experiment, one line per check. Pure."""

from __future__ import annotations

from atlas.watch.model import CHECKS, WatchReport
from atlas.health.model import Status, iso8601
from atlas.health.readable import duration

WORD = {Status.OK: "OK", Status.WARN: "WARN", Status.CRIT: "CRIT", Status.NO_DATA: "NO DATA",
        Status.STALE: "STALE", Status.ERROR: "ERROR"}


def _since(status: Status, since: float | None, now: float) -> str:
    if since is None:
        return ""
    when = iso8601(since).replace("T", " ").replace("Z", " UTC")
    if status in (Status.WARN, Status.CRIT):
        return f" (failing for {duration(max(0.0, now - since))}, since {when})"
    return ""


def render(report: WatchReport) -> str:
    now = report.taken_at
    lines: list[str] = []
    if not report.experiments and not report.skipped:
        lines.append("no running experiment to watch (a set is running once all its pull requests merged)")
    order = {n: i for i, n in enumerate(CHECKS)}
    for e in sorted(report.experiments, key=lambda e: (-e.status.severity, e.experiment)):
        owner = f"  owner {e.owner}" if e.owner else ""
        lines.append(f"{e.experiment}  {WORD[e.status]}{_since(e.status, e.since, now)}{owner}")
        for c in sorted(e.checks, key=lambda c: order.get(c.name, 99)):
            lines.append(f"  {c.name:<9} {WORD[c.status]:<7} {c.reason}{_since(c.status, c.since, now)}")
        lines.append("")
    for line in report.skipped:
        lines.append(f"not watched: {line}")
    for line in report.errors:
        lines.append(f"query failed: {line}")
    counts: dict[str, int] = {}
    for e in report.experiments:
        counts[WORD[e.status]] = counts.get(WORD[e.status], 0) + 1
    tally = ", ".join(f"{n} {w}" for w, n in sorted(counts.items(), key=lambda kv: kv[0]))
    n = len(report.experiments)
    lines.append(f"watched {n} running experiment{'s' if n != 1 else ''}{': ' + tally if tally else ''}; "
                 f"{report.calls} Cloud Monitoring call{'s' if report.calls != 1 else ''} for "
                 f"{report.metrics} metric{'s' if report.metrics != 1 else ''} in {report.duration:.2f} s")
    return "\n".join(lines) + "\n"
