"""The bottom line: the keys of this screen, k9s style (`esc back  / filter  t triage`).

A single Static redrawn when the screen's bindings change. Textual's Footer builds one
widget per key and rebuilds them all on every focus change, which costs more than the
screens themselves here.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        app = self.app
        text = Text()
        # the two ways to find everything else come first, so a narrow bar never cuts them
        text.append(": ", style="bold dark_orange")
        text.append("command  ")
        text.append("? ", style="bold dark_orange")
        text.append("help  ")
        seen: set[str] = {"help", "command_palette"}
        here = (getattr(screen, "TITLE", "") or "").lower()  # no key for the area we are in
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen or binding.action == f"show_{here}":
                continue
            seen.add(binding.action)
            style = "bold" if active.enabled else "dim"
            text.append(app.get_key_display(binding), style=f"{style} dark_orange")
            text.append(f" {binding.description}  ", style="" if active.enabled else "dim")
        text.rstrip()
        self.update(text, layout=False)
