"""Graph: the selected component's neighbourhood, N hops up and down, as a layered DAG."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.widgets import Static

from atlas.tui.dag_text import draw
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar

MAX_HOPS = 8


class GraphScreen(AtlasScreen):
    TITLE = "Graph"
    HELP = ("Data flows left to right. ← → move the selection along its edges (upstream, downstream), "
            "↑ ↓ to its neighbours in the same layer; the view follows. enter re-centres; b lists the "
            "blast radius, every hop; B marks it on the drawing.")
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("left", "move('left')", "upstream", id="graph.left", key_display="←"),
        Binding("right", "move('right')", "downstream", id="graph.right", key_display="→"),
        Binding("up", "move('up')", "previous in the layer", show=False, id="graph.up"),
        Binding("down", "move('down')", "next in the layer", show=False, id="graph.down"),
        Binding("enter", "recentre", "re-centre", id="graph.recentre"),
        Binding("plus,equals_sign", "hops(1)", "+hop", id="graph.more", key_display="+"),
        Binding("minus", "hops(-1)", "-hop", id="graph.fewer", key_display="-"),
        Binding("B", "blast", "mark blast radius", id="graph.blast"),
        Binding("d", "details", "details", id="graph.details"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.centre: str | None = None
        self.selected: str | None = None
        self.hops = 2
        self.blast = False
        self.drawn_layers: list[list[str]] = []

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("", id="graph-caption")
        # never focused: the arrows move the selection, and the view follows it
        with ScrollableContainer(id="graph-scroll", can_focus=False):
            yield Static("Loading the catalog…", id="graph-canvas")
        yield KeyBar()

    def workspace_ready(self) -> None:
        self._follow_focus()

    def on_screen_resume(self) -> None:
        if self.app.workspace is not None:
            self._follow_focus()

    def _follow_focus(self) -> None:
        """Centre on the component the user was last looking at elsewhere."""
        catalog = self.app.workspace.catalog
        wanted = self.app.focus_id if self.app.focus_id in catalog.components else None
        if wanted is None and self.centre is None:
            order = list(self.app.workspace.graph.topological_order())
            wanted = order[0] if order else None
        if wanted is not None and wanted != self.selected:
            self.centre = self.selected = wanted
            self.blast = False
        if self.selected is not None:
            self.app.focus_id = self.selected  # b, r, l and o act on the selection
        self.redraw()

    def health_changed(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        workspace = self.app.workspace
        canvas = self.query_one("#graph-canvas", Static)
        if workspace is None or self.centre is None:
            canvas.update("No components to draw.")
            return
        graph = workspace.graph
        ids = {self.centre}
        ids |= set(graph.upstream(self.centre, depth=self.hops))
        ids |= set(graph.downstream(self.centre, depth=self.hops))
        if self.selected not in ids:
            self.selected = self.centre
        from atlas.graph.layout import layered

        self.drawn_layers = [list(layer) for layer in layered(graph, sorted(ids))]
        edges = [(dep, node) for node in ids for dep in graph.dependencies(node) if dep in ids]
        highlighted: set[str] = set()
        if self.blast and self.selected:
            highlighted = set(graph.blast_radius(self.selected).affected) | {self.selected}
        health = self.app.health
        drawing = draw(self.drawn_layers, edges, health.status, selected=self.selected, highlighted=highlighted)
        canvas.update(Text("\n").join(drawing.lines))
        self._caption(len(ids), len(highlighted) - 1 if highlighted else 0)
        box = drawing.boxes.get(self.selected or "")
        if box is not None:
            scroll = self.query_one("#graph-scroll", ScrollableContainer)
            # the selection in the middle: its upstream on the left, downstream on the right
            self.call_after_refresh(scroll.scroll_to_region, Region(*box), animate=False, center=True)

    def _caption(self, count: int, blast: int) -> None:
        text = Text()
        text.append(f"{self.centre}", style="bold")
        text.append(f" ±{self.hops} hop{'s' if self.hops != 1 else ''} · {count} components · selected ")
        text.append(f"{self.selected}", style="bold")
        if self.blast:
            text.append(f" · blast radius: {blast} downstream (double boxes; b lists every hop)", style="bold red")
        self.query_one("#graph-caption", Static).update(text)

    # ---- keys -------------------------------------------------------------------------

    def _position(self, node: str) -> tuple[int, int]:
        for col, layer in enumerate(self.drawn_layers):
            if node in layer:
                return col, layer.index(node)
        return 0, 0

    def action_move(self, direction: str) -> None:
        if not self.drawn_layers or self.selected is None:
            return
        col, row = self._position(self.selected)
        graph = self.app.workspace.graph
        target = None
        if direction in ("up", "down"):
            layer = self.drawn_layers[col]
            step = -1 if direction == "up" else 1
            if 0 <= row + step < len(layer):
                target = layer[row + step]
        else:
            step = -1 if direction == "left" else 1
            linked = set(graph.dependencies(self.selected) if step < 0 else graph.dependents(self.selected))
            candidates = [
                (abs(c - col), abs(r - row), node)
                for c, layer in enumerate(self.drawn_layers)
                for r, node in enumerate(layer)
                if node in linked
            ]
            if candidates:  # along an edge, the nearest first
                target = min(candidates)[2]
            elif 0 <= col + step < len(self.drawn_layers):  # no edge that way: the next layer
                layer = self.drawn_layers[col + step]
                target = layer[min(row, len(layer) - 1)]
        if target is not None:
            self.selected = target
            self.app.focus_id = target
            self.redraw()

    def action_recentre(self) -> None:
        if self.selected:
            self.centre = self.selected
            self.redraw()

    def action_hops(self, delta: int) -> None:
        self.hops = max(1, min(MAX_HOPS, self.hops + delta))
        self.redraw()

    def action_blast(self) -> None:
        self.blast = not self.blast
        self.redraw()

    def action_details(self) -> None:
        if self.selected:
            self.app.open_component(self.selected)
