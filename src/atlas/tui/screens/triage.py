"""Triage: probable causes first, their symptoms folded under them; owner and runbook in
each row, the runbook (`r`), the component (`enter`) and its logs (`l`) one key away."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree

from atlas.health import readable
from atlas.health.model import Status
from atlas.health.report import evidence_lines, failing_for, path_text
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar
from atlas.tui.status import badge


class TriageScreen(AtlasScreen):
    TITLE = "Triage"
    HELP = "What broke first: probable causes on top, symptoms folded under them (space)."
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("space", "toggle", "fold", id="triage.fold"),
    ]

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("", id="triage-message")
        tree: Tree[str] = Tree("triage", id="triage-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree
        yield Static("", id="triage-detail")
        yield KeyBar()

    def workspace_ready(self) -> None:
        self.health_changed()

    def health_changed(self) -> None:
        app = self.app
        health = app.health
        tree = self.query_one(Tree)
        message = self.query_one("#triage-message", Static)
        if health.refreshing and health.snapshot is not None:
            return  # nothing new until the poll lands
        # keep the reader's place across refreshes: what was open, where the cursor was
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        opened = {node.data for node in tree.root.children if node.is_expanded}
        first_build = not tree.root.children
        tree.clear()
        if health.snapshot is None:
            why = f"the last refresh failed: {health.error}" if health.error else "waiting for the first refresh"
            message.update(f"No health data yet ({why}). Press ctrl+r to refresh.")
            return
        items = health.triage
        causes = [i for i in items if getattr(i, "role", "cause") == "cause"]
        if not items:
            message.update(_all_clear(app.workspace.catalog.components, health))
            return
        stale = " Values are stale: the last refresh failed." if health.stale else ""
        message.update(
            f"{len(causes)} probable cause{'' if len(causes) == 1 else 's'}, most likely first. "
            "enter: open · r: runbook · "
            f"l: logs · space: fold.{stale}"
        )
        everyone = list(_walk(items))
        self._id_width = min(30, max(len(i.component) for i in everyone) + 2)
        self._owner_width = min(18, max(len(i.owner or "-") for i in everyone))
        for rank, item in enumerate(items):
            # the most likely cause opens with its symptoms showing; the rest stay folded
            expand = rank == 0 if first_build else item.component in opened
            node = tree.root.add(self._label(item), data=item.component, expand=expand)
            symptoms = list(getattr(item, "symptoms", []) or [])
            if not symptoms:
                node.allow_expand = False
            for symptom in symptoms:
                node.add_leaf(self._label(symptom, symptom=True), data=symptom.component)
        tree.focus()
        target = next((n for n in _nodes(tree.root) if cursor is not None and n.data == cursor), None)
        # after the refresh: the new nodes get their line numbers when the tree is laid out
        self.call_after_refresh(tree.move_cursor, target or (tree.root.children[0] if tree.root.children else None))

    def _label(self, item, symptom: bool = False) -> Text:
        """One line: status, id, role, owner, on-call, runbook, the cause's evidence (a change
        before its onset, errors at its onset), reason."""
        catalog = self.app.workspace.catalog
        team = catalog.teams.get(item.owner)
        text = Text("" if symptom or getattr(item, "symptoms", None) else "  ")  # where ▼ would be
        text.append_text(badge(item.status, stale=self.app.health.stale, width=10))
        width = self._id_width - (2 if symptom else 0)  # symptoms sit two columns deeper
        text.append(f" {item.component:<{width}} ", style="bold")
        if symptom:
            text.append(("part of the run" if getattr(item, "step_of", "") else "symptom").ljust(16), style="dim")
        elif getattr(item, "role", "cause") == "unexplained":
            text.append("unexplained".ljust(16), style="bold yellow")  # no checked chain to a cause
        else:
            count = len(getattr(item, "symptoms", []) or [])
            text.append("CAUSE ", style="bold red")
            text.append((f"· {count} below" if count else "").ljust(10), style="dim")
        text.append(f"{self._for(item):<10} ", style="dim")  # how long it has been failing ("for 33.9 h")
        # narrow terminals keep the why: on-call goes first (the detail line has it), then owner
        width = self.size.width or 200
        if width >= 110:
            text.append(f"{item.owner or '-':<{self._owner_width}} ")
        if width >= 120:
            oncall = team.oncall if team is not None and team.oncall else "no on-call"
            text.append(f"{oncall:<26.26} ", style="dim")
        has = self._has_runbook(item.component)
        text.append(("runbook ✓ " if has else "runbook ✗ ") if width >= 100 else ("rb ✓ " if has else "rb ✗ "),
                    style="green" if has else "yellow")
        # what the on-call looks at first, before its reason (the detail pane says what and when)
        if getattr(item, "changes", None):
            text.append("changed ", style="bold magenta")
        errors = getattr(item, "onset_errors", None)
        if errors is not None and errors.burst:
            text.append("errors ", style="bold red")
        text.append(item.reason, style="italic")
        return text

    def _for(self, item) -> str:
        since, now = getattr(item, "since", None), self.app.health.taken_at
        if since is None or now is None:
            return "for ?"
        return f"for {readable.duration(max(0.0, now - since))}"

    def _has_runbook(self, component_id: str) -> bool:
        catalog = self.app.workspace.catalog
        component = catalog.components.get(component_id)
        path = catalog.runbook_path(component) if component is not None else None
        return path is not None and path.is_file()

    def _describe(self, component_id: str) -> Text:
        app = self.app
        catalog = app.workspace.catalog
        item = next((i for i in _walk(app.health.triage) if i.component == component_id), None)
        component = catalog.components.get(component_id)
        if item is None or component is None:
            return Text("")
        team = catalog.teams.get(item.owner)
        text = Text()
        text.append(f"{component_id}", style="bold")
        text.append(f"  {item.reason}\n", style="italic")
        text.append(failing_for(item, app.health.taken_at) + "\n")
        if getattr(item, "path", None):
            text.append(f"path: {path_text(item)}\n", style="yellow" if item.role == "unexplained" else "dim")
        if item.role == "cause":
            for line, evidence in evidence_lines(item, app.health.taken_at):
                text.append(line + "\n", style="bold" if evidence else "dim")
        text.append(f"owner {item.owner or '-'}")
        if team is not None:
            text.append(f" · on-call {team.oncall or 'none recorded'} · chat {team.chat or '-'}")
        if getattr(item, "blast_radius", 0):
            text.append(f" · {item.blast_radius} downstream at risk")
        text.append("\n")
        if self._has_runbook(component_id):
            text.append(f"runbook {item.runbook} (r)", style="green")
        elif item.runbook:
            text.append(f"runbook {item.runbook} is declared but missing", style="yellow")
        else:
            text.append("no runbook: ask the owner's chat; write one later with atlas runbook new", style="yellow")
        return text

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data:
            self.app.focus_id = event.node.data
            self.query_one("#triage-detail", Static).update(self._describe(event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data:
            self.app.open_component(event.node.data)

    def action_toggle(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None and node.allow_expand:
            node.toggle()


def _all_clear(component_ids, health) -> Text:
    """Nothing ranked: an all-clear only for what was measured (no components, or no data,
    is not "nothing is failing")."""
    if not component_ids:
        return Text("No components in the catalog: nothing to triage.", style="yellow")
    blind = health.counts(component_ids).get(Status.NO_DATA, 0)
    if blind == len(component_ids):
        return Text(f"No health data for any of the {blind} components: nothing to rank.", style="yellow")
    text = Text("● Nothing is failing: no probable causes, no symptoms.", style="green")
    if blind:
        text.append(f" ({blind} of {len(component_ids)} components have no data.)", style="dim")
    return text


def _walk(items):
    for item in items:
        yield item
        yield from getattr(item, "symptoms", []) or []


def _nodes(root):
    for node in root.children:
        yield node
        yield from node.children
