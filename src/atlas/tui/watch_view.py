"""How an experiment's watch looks: health's glyphs and colours, one cell per running
experiment, its checks in the detail pane, and the header badge when one is failing."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from atlas.health.model import Status
from atlas.tui.status import COLOUR, GLYPH, WORD

CHECK_ORDER = ("srm", "served", "fed", "exposure", "errors", "latency")


def badge(report: Any) -> Text | None:
    """` ✖ 1 EXPERIMENT FAILING ` when a running experiment is WARN or CRIT, ` ! WATCH ` when
    the watch could not run; None when all is well (or nothing runs)."""
    if report is None:
        return None
    if isinstance(report, BaseException):
        return Text(f" {GLYPH[Status.ERROR]} WATCH FAILED ", style="bold black on dark_orange")
    failing = report.failing
    if failing:
        worst = max(e.status for e in failing)
        n = len(failing)
        return Text(f" {GLYPH[worst]} {n} EXPERIMENT{'S' if n != 1 else ''} FAILING ",
                    style="bold white on red" if worst is Status.CRIT else "bold black on yellow")
    if report.errors or any(e.status is Status.ERROR for e in report.experiments):
        return Text(f" {GLYPH[Status.ERROR]} WATCH INCOMPLETE ", style="bold black on dark_orange")
    return None


def cell(result: Any) -> Text:
    """The watch column: `✖ CRIT srm`, `● OK`; `-` for an experiment that is not running."""
    if result is None:
        return Text("-", style="dim")
    status = result.status
    worst = result.worst
    what = f" {worst.name}" if worst is not None and status is not Status.OK else ""
    return Text(f"{GLYPH[status]} {WORD[status]}{what}", style=COLOUR[status])


def detail(result: Any) -> Text:
    """One line per check, worst first, each with its glyph and reason."""
    text = Text()
    order = {n: i for i, n in enumerate(CHECK_ORDER)}
    for check in sorted(result.checks, key=lambda c: (-c.status.severity, order.get(c.name, 99))):
        text.append("\n")
        text.append(f"{GLYPH[check.status]} {check.name:<9}", style=COLOUR[check.status])
        text.append(f" {check.reason}")
    return text
