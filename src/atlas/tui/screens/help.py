"""`?`: every key of the screen underneath, with its binding id (for the keymap file)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from atlas.tui.bindings import shown_path


class HelpScreen(ModalScreen):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "close", id="help.close"),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        title = getattr(self.under, "TITLE", "") or "atlas"
        table = Table(title=f"{title}: keys", caption=self._caption(), expand=True, show_edge=False)
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("binding id (remap it)", style="dim", no_wrap=True)
        seen = set()
        rows = []
        # active_bindings already leaves out what a check_action hides (e.g. --read-only)
        for active in self.under.active_bindings.values():
            binding = active.binding
            if binding.action in seen or binding.action == "dismiss":
                continue
            seen.add(binding.action)
            rows.append(binding)
        # atlas's own keys (with ids) first; the focused widget's movement keys after them
        rows.sort(key=lambda b: b.id is None)
        # a key's variant (`app.palette.ctrl` beside `app.palette`) shares its row
        keys = {b.id: [self.app.get_key_display(b)] for b in rows if b.id}
        for binding in rows:
            parent = (binding.id or "").rpartition(".")[0]
            if parent in keys:
                keys[parent].append(self.app.get_key_display(binding))
        for binding in rows:
            if (binding.id or "").rpartition(".")[0] in keys:
                continue
            shown = " ".join(keys.get(binding.id, [self.app.get_key_display(binding)]))
            table.add_row(shown, binding.description or binding.action, binding.id or "")
        return table

    def _caption(self) -> str:
        line = getattr(self.under, "HELP", "")
        return f"{line}\nRemap keys in {shown_path(self.app.keymap_file, self.app.home)} (binding id = \"key\"). esc closes."

    def action_dismiss(self) -> None:
        self.dismiss()
