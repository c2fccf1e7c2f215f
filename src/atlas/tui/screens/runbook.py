"""`r`: the runbook of the highlighted component, full screen, opened at its first steps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar
from atlas.tui.widgets.runbook import RunbookView, runbook_markdown

CSS = """
RunbookScreen #runbook-caption { height: 1; padding: 0 1; background: $boost; }
RunbookScreen RunbookView { height: 1fr; }
"""


class RunbookScreen(AtlasScreen):
    DEFAULT_CSS = CSS
    TITLE = "Runbook"
    HELP = "The runbook full screen, opened at its first steps. f: first steps, home: the top."
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("f", "first_steps", "first steps", id="runbook.first_steps"),
        Binding("d", "details", "component", id="runbook.details"),
    ]

    def __init__(self, component_id: str) -> None:
        super().__init__()
        self.component_id = component_id

    def compose(self) -> ComposeResult:
        workspace = self.atlas.workspace
        assert workspace is not None
        component = workspace.catalog.components[self.component_id]
        markdown, found = runbook_markdown(workspace.catalog, component, self.atlas.read_only)
        yield self.header()
        caption = Text.assemble(("runbook of ", ""), (self.component_id, "bold"))
        if found:
            caption.append(f"  {component.runbook}", style="dim")
        yield Static(caption, id="runbook-caption")
        yield RunbookView(markdown, id="runbook-full")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        view = self.query_one(RunbookView)
        view.focus()
        view.show_first_steps()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_first_steps(self) -> None:
        self.query_one(RunbookView).show_first_steps()

    def action_details(self) -> None:
        self.atlas.open_component(self.component_id)
