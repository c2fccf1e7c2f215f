"""Plain-text views of health, triage and recent errors (the CLI prints these). Pure."""

from __future__ import annotations

from collections.abc import Iterable

from atlas.health import errorburst, readable
from atlas.health.logs import LogLine, rfc3339
from atlas.health.model import ComponentHealth, Status
from atlas.health.onset import PART_OF
from atlas.health.rollup import counts, ordered
from atlas.health.triage import TriageItem

_ORDER = (Status.CRIT, Status.WARN, Status.STALE, Status.ERROR, Status.NO_DATA, Status.OK)


def summary(components: Iterable[ComponentHealth]) -> str:
    comps = list(components)
    by = counts(comps)
    parts = [f"{by[s]} {s.value}" for s in _ORDER if by[s]]
    return f"{len(comps)} component{'s' if len(comps) != 1 else ''}: " + (", ".join(parts) or "none")


def health_table(components: Iterable[ComponentHealth], *, detail: bool = False, now: float | None = None) -> str:
    """Header with counts by status, then one aligned row per component, worst first.
    With `detail`, every signal of each component is listed under it. With `now`, each row
    says since when ("failing for 3 h", "recovered 20 min ago")."""
    comps = ordered(components)
    lines = [summary(comps), ""]
    if not comps:
        return "\n".join(lines).rstrip() + "\n"
    width = max(len(c.id) for c in comps)
    for c in comps:
        lines.append(f"{c.status.value:<8} {c.id:<{width}}  {_with_onset(c.reason, c.status.value, c.since, now)}")
        if detail:
            for s in c.signals:
                lines.append(f"{'':8} {'':<{width}}  - {s.status.value:<8} {s.name}: "
                             f"{_with_onset(s.reason, s.status.value, s.since, now)}")
    return "\n".join(lines) + "\n"


def _with_onset(reason: str, status: str, since: float | None, now: float | None) -> str:
    when = readable.onset(status, since, now) if now is not None else ""
    return f"{reason}; {when}" if when else reason


def _owner_line(item: TriageItem) -> str:
    bits = [f"owner {item.owner or '(none)'}"]
    if item.oncall:
        bits.append(f"on-call {item.oncall}")
    if item.chat:
        bits.append(item.chat)
    bits.append(f"runbook {item.runbook or '(none)'}")
    if item.role == "cause":
        bits.append(f"blast radius {item.blast_radius}")
    return ", ".join(bits)


def failing_for(item: TriageItem, now: float | None) -> str:
    """"failing for 3 h (since 06:29)", or why that cannot be said."""
    if item.since is None:
        return "failing since: unknown"
    if now is None:
        return f"failing since {readable.clock(item.since)}"
    return f"failing for {readable.duration(max(0.0, now - item.since))} (since {readable.clock(item.since, now)})"


def _change_line(change, onset: float | None, now: float | None) -> str:
    ref = onset if onset is not None else now
    when = "merged" if ref is None else (
        (f"merged {readable.duration(change.merged_at - onset)} after onset (within its uncertainty)"
         if onset is not None and change.merged_at > onset else
         f"merged {readable.duration(max(0.0, ref - change.merged_at))} before "
         f"{'onset' if onset is not None else 'now (onset unknown)'}"))
    by = f", by {change.author}" if change.author else ""
    if change.kind == "deploy":
        return f"deploy {change.title!r} {when.replace('merged', 'made', 1)}{by} (Cloud Logging)"
    exp = f" [experiment {change.experiment}, opened by atlas]" if change.experiment else ""
    return f"PR #{change.number} {change.title!r} {when}{by} ({change.repo}){exp}"


def evidence_lines(item: TriageItem, now: float | None) -> list[tuple[str, bool]]:
    """What changed before a cause's onset, a line each, or why that is unknown, or that
    the lookup found nothing (and where it looked): never silent; then its errors at onset.
    Each line with whether it is evidence for the cause (a screen shows those brighter)."""
    lines = [(f"changed before: {_change_line(c, item.since, now)}", True) for c in item.changes]
    pulls = [c for c in item.changes if c.kind != "deploy"]
    if item.changes_note:
        lines.append((f"changes: unknown ({item.changes_note})", False))
    elif not pulls:
        lines.append((f"changes: no pull request merged ({item.changes_scope or 'its repo'})", False))
    if item.deploys_scope and item.deploys_note:
        lines.append((f"deploys: unknown ({item.deploys_note})", False))
    elif item.deploys_scope and not any(c.kind == "deploy" for c in item.changes):
        lines.append((f"deploys: none ({item.deploys_scope})", False))
    if item.onset_errors is not None:  # not on a ranking whose evidence was never read
        lines.append((errorburst.line(item.onset_errors, now), item.onset_errors.burst))
    return lines


_MARK = {"pass": "ok", "fail": "FAILED", "unknown": "unknown"}


def path_text(item: TriageItem) -> str:
    """cause -> a -> b, and every check that did not pass: "onset first FAILED at a -> b"."""
    if not item.path:
        return "no chain from a cause reaches it"
    chain = " -> ".join([item.path[0].upstream] + [h.downstream + (" (part of the run)" if h.relation == PART_OF else "")
                                                    for h in item.path])
    notes = []
    for i, name in enumerate(("follows the graph", "deviates", "upstream onset first")):
        # consecutive hops with the same outcome read as one stretch: "unknown at a -> b -> c"
        stretch: list[str] = []
        for h, nxt in zip(item.path, [*item.path[1:], None]):
            value = h.checks[i]
            if value == "pass":
                continue
            stretch = stretch or [h.upstream]
            stretch.append(h.downstream)
            if nxt is None or nxt.checks[i] != value:
                notes.append(f"{name} {_MARK[value]} at {' -> '.join(stretch)}")
                stretch = []
    return chain + ("; " + "; ".join(notes) if notes else "; every check passed")


def triage_text(items: list[TriageItem], unchecked: int = 0, now: float | None = None) -> str:
    """`unchecked`: components whose status is ERROR (their queries failed): with none
    failing, "nothing is failing" would be a guess, so say what could not be checked.
    `now`: the moment the statuses are for, so each line says how long it has failed."""
    causes = [i for i in items if i.role == "cause"]
    unexplained = [i for i in items if i.role == "unexplained"]
    if not causes and not unexplained:
        if unchecked:
            return (f"No probable cause found, but {unchecked} component{'s' if unchecked != 1 else ''} "
                    f"could not be checked (ERROR): the verdict is incomplete.\n")
        return "Nothing is failing: no probable cause to show.\n"
    n_sym = sum(len(i.symptoms) for i in causes)
    head = f"{len(causes)} probable cause{'s' if len(causes) != 1 else ''}, {n_sym} symptom{'s' if n_sym != 1 else ''}"
    if unexplained:
        head += f", {len(unexplained)} unexplained"
    lines = [head, ""]
    for rank, item in enumerate(causes, 1):
        lines.append(f"{rank}. {item.status.value:<6} {item.component}  {failing_for(item, now)}  {item.reason}")
        lines.append(f"   {_owner_line(item)}")
        lines.extend(f"   {line}" for line, _ in evidence_lines(item, now))
        for s in item.symptoms:
            hop = "part of the run" if s.step_of else f"{s.hops} hop{'s' if s.hops != 1 else ''} down"
            lines.append(f"     symptom {s.status.value:<6} {s.component} ({hop})  {failing_for(s, now)}  {s.reason}")
            lines.append(f"       {_owner_line(s)}")
            if s.hops > 1 or any(v != "pass" for h in s.path for v in h.checks):
                lines.append(f"       path: {path_text(s)}")
        if item.at_risk:
            shown = ", ".join(item.at_risk[:8]) + (f" and {len(item.at_risk) - 8} more" if len(item.at_risk) > 8 else "")
            lines.append(f"   at risk (healthy for now, downstream): {shown}")
        lines.append("")
    if unexplained:
        lines.append("Unexplained: failing below an earlier failure, but no chain to a cause passes every check")
        for s in unexplained:
            lines.append(f"   {s.status.value:<6} {s.component}  {failing_for(s, now)}  {s.reason}")
            lines.append(f"     {_owner_line(s)}")
            lines.append(f"     path: {path_text(s)}")
        lines.append("")
    return "\n".join(lines)


def logs_text(component: str, lines: list[LogLine], explorer_url: str, now: float) -> str:
    out = [f"{len(lines)} recent error{'s' if len(lines) != 1 else ''} for {component} (severity >= ERROR, newest first)"]
    for line in lines:
        trace = f"  trace {line.trace.rsplit('/', 1)[-1]}" if line.trace else ""
        out.append(f"{rfc3339(line.time)} ({readable.ago(now - line.time)})  {line.severity:<8} {line.message}{trace}")
    out.append(f"Logs Explorer: {explorer_url}")
    return "\n".join(out) + "\n"
