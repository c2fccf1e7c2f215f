"""The top bar of every screen: catalog name, badges, counts by status, last refresh."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from atlas.health.model import Status
from atlas.tui.status import COLOUR, GLYPH, ORDER, WORD
from atlas.tui.watch_view import badge as experiment_badge


class AtlasHeader(Static):
    DEFAULT_CSS = """
    AtlasHeader { dock: top; height: 1; background: $panel; color: $foreground; padding: 0 1; }
    AtlasHeader.-failed { height: 2; }
    """

    def __init__(self, screen_title: str) -> None:
        super().__init__()
        self.screen_title = screen_title

    def on_mount(self) -> None:
        self.watch(self.app, "health_version", lambda _=None: self.update_header(), init=False)
        self.watch(self.app, "loaded", lambda _=None: self.update_header(), init=False)
        self.watch(self.app, "split_experiments", lambda _=None: self.update_header(), init=False)
        self.update_header()

    def update_header(self) -> None:
        app = self.app
        workspace = app.workspace
        health = app.health
        text = Text()
        text.append("atlas", style="bold")
        if workspace is not None:
            text.append(f" · {workspace.catalog.name or workspace.catalog.root.name}", style="bold")
        text.append(f" · {self.screen_title}")
        if app.demo:
            text.append("  ")
            text.append(" DEMO ", style="bold black on yellow")
        if app.read_only:
            text.append("  ")
            text.append(" READ-ONLY ", style="bold white on blue")
        watch_badge = experiment_badge(getattr(app, "experiment_watch", None))
        if watch_badge is not None:  # a running experiment whose data is going bad
            text.append("  ")
            text.append_text(watch_badge)
        split = getattr(app, "split_experiments", ())
        if split:
            text.append("  ")
            text.append(f" PARTIALLY MERGED: {', '.join(split)} ", style="bold white on red")
        text.append("   ")
        if workspace is not None:
            counts = health.counts(workspace.catalog.components)
            for status in ORDER:
                if counts.get(status):
                    text.append(f"{GLYPH[status]} {counts[status]} {WORD[status]}", style=COLOUR[status])
                    text.append("  ")
        text.append("  ")
        text.append(self._refresh_line(health))
        failed = bool(health.error or health.partial)
        if failed:
            text.append("\n")
            if health.error:
                kept = "values marked ~ are stale" if health.snapshot is not None else "no values yet"
                text.append(f"refresh failed: {health.error} ({kept})", style="bold red")
            else:
                more = f" (+{len(health.partial) - 1} more)" if len(health.partial) > 1 else ""
                text.append(f"some signals failed: {health.partial[0]}{more}", style="dark_orange")
        self.set_class(failed, "-failed")
        self.update(text)

    def _refresh_line(self, health) -> Text:
        if health.taken_at is None:
            if health.refreshing:
                return Text("loading health…", style="italic")
            return Text(f"{GLYPH[Status.NO_DATA]} no health data yet", style=COLOUR[Status.NO_DATA])
        clock = time.strftime("%H:%M:%S", time.gmtime(health.taken_at))
        line = Text(f"refreshed {clock} UTC", style="dim" if health.stale else "")
        if health.refreshing:
            line.append(" · refreshing…", style="italic")
        return line
