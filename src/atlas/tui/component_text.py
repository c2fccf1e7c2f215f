"""The words on the component screen: ownership, handover, signals and log lines as Rich text."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from rich.text import Text

from atlas.catalog.model import Catalog, Component
from atlas.health.model import SignalStatus, Status
from atlas.health.readable import onset, quantity
from atlas.tui.health_view import HealthView
from atlas.tui.status import badge


def identity(component: Component, health: HealthView) -> Text:
    status = health.status(component.id)
    text = Text()
    text.append_text(badge(status, stale=health.stale))
    text.append(f"  {component.id}", style="bold")
    text.append(f"   {component.kind}{' (' + component.mode + ')' if component.mode else ''} · tier {component.tier}")
    if component.schedule:
        text.append(f" · schedule {component.schedule}")
    text.append("\n")
    text.append(health.reason(component.id), style="italic")
    if component.description:
        text.append(f"\n{component.description}", style="dim")
    return text


def ownership(component: Component, catalog: Catalog) -> Text:
    text = Text()
    team = catalog.teams.get(component.owner)
    _row(text, "owner", f"{team.name} ({team.id})" if team and team.name else component.owner or "nobody (lint: missing owner)")
    if team is not None:
        _row(text, "chat", team.chat or "-")
        _row(text, "on-call", team.oncall or "none recorded")
    handover = component.handover
    if handover is not None:
        previous = handover.previous_owner or "-"
        until = f", supports until {handover.support_until.isoformat()}" if handover.support_until else ""
        contact = catalog.people.get(handover.contact)
        ask = f", ask {contact.name or contact.id} {contact.chat}".rstrip() if contact else (
            f", ask {handover.contact}" if handover.contact else "")
        _row(text, "previous", f"{previous} · stage {handover.stage}{until}{ask}")
        if handover.knowledge:
            known = ", ".join(f"{p} {lvl}" for p, lvl in handover.knowledge.items())
            _row(text, "knows it", known)
    repo = catalog.repos.get(component.repo)
    if repo is not None:
        _row(text, "repo", repo.url or f"https://github.com/{repo.github}")
    elif component.repo:
        _row(text, "repo", component.repo)
    _row(text, "project", component.project or "-")
    for name, url in component.links.items():
        _row(text, name, url)
    text.rstrip()
    return text


def _row(text: Text, label: str, value: str) -> None:
    text.append(f"{label:>9}  ", style="bold")
    text.append(f"{value}\n")


def signal_rows(component: Component, catalog: Catalog, health: HealthView) -> list[SignalStatus]:
    """The component's signals with their latest values, or the declared ones as NO_DATA."""
    current = health.component(component.id)
    if current is not None and current.signals:
        return list(current.signals)
    rows = []
    for template in catalog.signals_for(component):
        override = component.signal_overrides.get(template.id, {})
        rows.append(
            SignalStatus(
                component=component.id,
                name=template.id,
                status=Status.NO_DATA,
                reason="no data yet" if health.snapshot is None else "no data",
                unit=template.unit,
                warn=override.get("warn", template.warn),
                crit=override.get("crit", template.crit),
                direction=template.direction,
            )
        )
    return rows


def signal_line(signal: SignalStatus, stale: bool, now: float) -> Text:
    text = badge(signal.status, stale=stale, width=10)
    text.append(f" {signal.name}", style="bold")
    value = "-" if signal.value is None else quantity(signal.value, signal.unit)
    text.append(f"  {value}")
    sign = ">" if signal.direction == "above" else "<"
    # with the unit: "warn > 1" beside "0.0405 %" leaves the reader guessing 1 what
    limits = [
        f"{level} {sign} {quantity(limit, signal.unit)}"
        for level, limit in (("warn", signal.warn), ("crit", signal.crit))
        if limit is not None
    ]
    if signal.observed_at is not None:
        text.append(f"  {ago(now - signal.observed_at)}", style="dim")
    text.append("\n           ")
    if limits:
        text.append(", ".join(limits), style="dim")
    if signal.status is not Status.OK and signal.reason:
        text.append(f"{' · ' if limits else ''}{signal.reason}", style="italic")
    when = onset(signal.status.value, signal.since, now)
    if when:
        text.append(f" · {when}", style="bold" if signal.status is not Status.OK else "dim")
    return text


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 5400:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def log_line(line: Any, now: float | None = None) -> Text:
    """`2026-12-03 07:12:58 UTC (3 h ago) ERROR`, the message under it: the date and the age."""
    when = getattr(line, "time", None)
    epoch = None
    if isinstance(when, (int, float)):
        epoch = float(when)
    elif isinstance(when, dt.datetime):
        epoch = when.timestamp() if when.tzinfo else when.replace(tzinfo=dt.timezone.utc).timestamp()
    if epoch is not None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
        if now is not None:
            stamp += f" ({ago(now - epoch)})"
    else:
        stamp = str(when or "")[:19]
    severity = str(getattr(line, "severity", "") or "")
    style = "bold red" if severity in ("CRITICAL", "ALERT", "EMERGENCY") else "red" if severity == "ERROR" else ""
    text = Text(f"{stamp} ", style="dim")
    text.append(severity, style=style)
    text.append("\n  " + " ".join(str(getattr(line, "message", "")).split()))
    return text
