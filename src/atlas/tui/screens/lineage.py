"""Blast radius and lineage as a list: every component up- or downstream of one, with no
depth limit, grouped by system, each with its status, hops and whether it serves users.

`b` anywhere opens the downstream list of the highlighted component ("if it stops, what
goes stale?"); `u`/`d` switch direction; enter opens a component.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from atlas.catalog.graphviews import lineage
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.status import BADGE_WIDTH, COLOUR, GLYPH, WORD
from atlas.tui.widgets.keybar import KeyBar

CSS = """
LineageScreen #lineage-caption { height: auto; padding: 0 1; }
LineageScreen #lineage-list { height: 1fr; border: none; padding: 0; }
"""


class LineageScreen(AtlasScreen):
    DEFAULT_CSS = CSS
    TITLE = "Blast radius"
    HELP = ("Everything downstream (or upstream) of one component, every hop, by system. "
            "enter opens; u upstream, d downstream.")
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("d", "direction('downstream')", "downstream", id="lineage.downstream"),
        Binding("u", "direction('upstream')", "upstream", id="lineage.upstream"),
    ]

    def __init__(self, component_id: str, direction: str = "downstream") -> None:
        super().__init__()
        self.component_id = component_id
        self.direction = direction
        self.shown: list[str] = []  # component ids in list order (tests, enter)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("", id="lineage-caption")
        yield OptionList(id="lineage-list")
        yield KeyBar()

    def workspace_ready(self) -> None:
        self.fill()
        self.query_one(OptionList).focus()

    def health_changed(self) -> None:
        if not self.atlas.health.refreshing:
            self.fill()

    def action_back(self) -> None:
        # back where it was opened: the verbs act on the component it was opened for again
        self.app.focus_id = self.component_id
        self.app.pop_screen()

    def action_direction(self, direction: str) -> None:
        self.direction = direction
        self.fill()

    def fill(self) -> None:
        workspace = self.atlas.workspace
        if workspace is None:
            return
        catalog, health = workspace.catalog, self.atlas.health
        groups = lineage(catalog, workspace.graph, self.component_id, self.direction)
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        self.shown = []
        total = sum(len(g.reached) for g in groups)
        serving = sum(1 for g in groups for r in g.reached if r.serves_users)
        id_w = max([len(r.id) for g in groups for r in g.reached] + [8])
        mark = "serves users" if self.size.width >= 100 else "users"  # narrow: the reason keeps its room
        for group in groups:
            head = Text(f"{group.title}", style="bold")
            head.append(f"  {len(group.reached)}", style="dim")
            listing.add_option(Option(head, disabled=True))
            for r in group.reached:
                status = health.status(r.id)
                row = Text("  ")
                row.append(f"{GLYPH[status]} {WORD[status]}".ljust(BADGE_WIDTH + 1), style=COLOUR[status])
                row.append(f" {r.id:<{id_w}}", style="bold")
                row.append(f"  hop {r.hops:<2}")
                row.append(f"  {mark}" if r.serves_users else " " * (len(mark) + 2), style="bold magenta")
                if status.name not in ("OK",):
                    row.append(f"  {health.reason(r.id)}", style="dim")
                listing.add_option(Option(row, id=r.id))
                self.shown.append(r.id)
        if not groups:
            listing.add_option(Option(Text(f"(nothing {self.direction})", style="dim"), disabled=True))
        caption = Text()
        what = "blast radius" if self.direction == "downstream" else "upstream (depends on)"
        caption.append(f"{what} of ")
        caption.append(self.component_id, style="bold")
        caption.append(f": {total} component{'s' if total != 1 else ''}, every hop")
        if self.direction == "downstream":
            caption.append(f" · {serving} serve users", style="bold magenta" if serving else "")
            caption.append(" (go stale or wrong if it stops)", style="dim")
            users = [r.id for g in groups for r in g.reached if r.serves_users]
            if users:
                caption.append("\nserves users: ", style="bold magenta")
                caption.append(", ".join(users))
        self.query_one("#lineage-caption", Static).update(caption)
        if highlighted is not None and highlighted < listing.option_count:
            listing.highlighted = highlighted
        elif self.shown:
            listing.highlighted = 1

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.app.focus_id = event.option.id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.atlas.open_component(event.option.id)
