"""A runbook as the on-call reads it: Rich's Markdown in one Static, so code blocks wrap
(never clip mid-argument) and tables wrap their cells (never "Schedu…"); one widget, not a
widget per block, so it lays out at once. `show_first_steps` scrolls its "First steps"
heading to the top."""

from __future__ import annotations

import re
from pathlib import Path

from rich.markdown import Markdown as RichMarkdown
from textual.containers import VerticalScroll
from textual.widgets import Static

from atlas.tui.health_view import one_line

# The scaffold's heading (atlas runbook new) and the usual alternatives.
FIRST_STEPS = re.compile(r"^#{1,3}\s+(first steps|first response|immediate actions|what to do first)\b", re.I | re.M)


def runbook_markdown(catalog, component, read_only: bool) -> tuple[str, bool]:
    """(markdown, found): the runbook's text, or a short note on why there is none."""
    path: Path | None = catalog.runbook_path(component)
    if path is None or not path.is_file():
        what = f"No runbook for {component.id}" if path is None else f"Runbook {component.runbook} is missing"
        advice = "" if read_only else f"\n\nStart one with `atlas runbook new {component.id}`."
        return f"## {what}\n\nWhoever is on call for it has nothing to follow yet.{advice}", False
    try:
        return path.read_text(encoding="utf-8"), True
    except (OSError, UnicodeDecodeError) as exc:
        return f"## Could not read {component.runbook}\n\n{one_line(exc)}", False


def first_steps_title(markdown: str) -> str | None:
    found = FIRST_STEPS.search(markdown)
    return found.group(0).lstrip("#").strip() if found else None


class RunbookView(VerticalScroll):
    DEFAULT_CSS = """
    RunbookView { padding: 0 1; }
    RunbookView > Static { width: 1fr; height: auto; }
    """

    def __init__(self, markdown: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.markdown = markdown

    def compose(self):
        yield Static(RichMarkdown(self.markdown, code_theme="monokai", hyperlinks=True), id="runbook-text")

    def first_steps_line(self) -> int | None:
        """The line its "First steps" heading is drawn on at the current width."""
        title = first_steps_title(self.markdown)
        body = self.query_one("#runbook-text", Static)
        width = body.content_region.width or body.size.width
        if title is None or width <= 0:
            return None
        console = self.app.console
        lines = console.render_lines(RichMarkdown(self.markdown), console.options.update_width(width), pad=False)
        for y, line in enumerate(lines):
            if "".join(segment.text for segment in line).strip() == title:
                return y
        return None

    def show_first_steps(self) -> None:
        """After the next layout (the width is known then): the first steps on top."""
        def scroll() -> None:
            y = self.first_steps_line()
            if y is not None:
                self.scroll_to(y=max(0, y - 1), animate=False, immediate=True)

        self.call_after_refresh(scroll)
