"""The bottom line: the keys of this screen, k9s style (`esc back  / filter  t triage`).

A single Static redrawn when the screen's bindings change. Textual's Footer builds one
widget per key and rebuilds them all on every focus change, which costs more than the
screens themselves here.

`: command`, `? help` and `q quit` come first, so no width ever cuts them; when the rest
does not fit, the app's one-letter verbs lose their words first (`t g b r l o`: `?` names
them), then the screen's keys keep one short word, then the line is cut.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

FIRST = ("command_palette", "palette_key", "help", "quit")
# the words of a key on a narrow bar (else its first word)
SHORT = {"upstream": "up", "downstream": "down", "open link": "open", "copy link": "copy",
         "re-centre": "centre", "back/clear": "back", "mark learned": "learn", "first steps": "steps",
         "copy command": "copy", "risks/actions": "tabs", "leave tour": "leave", "mark blast radius": "mark",
         "blast radius": "blast", "previous": "prev"}


def short(words: str) -> str:
    return SHORT.get(words, words.split(" ")[0][:7])


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: Resize) -> None:
        self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        app = self.app
        here = (getattr(screen, "TITLE", "") or "").lower()  # no key for the area we are in
        own: list[tuple[str, str, bool]] = []  # this screen's keys, then the app's verbs
        verbs: list[tuple[str, str, bool]] = []
        quit_key = None
        seen: set[str] = set(FIRST)
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id == "app.quit":
                quit_key = (app.get_key_display(binding), active.enabled)
            if not binding.show or binding.action in seen or binding.action == f"show_{here}":
                continue
            seen.add(binding.action)
            entry = (app.get_key_display(binding), binding.description, active.enabled)
            (verbs if active.node is app and len(entry[0]) == 1 else own).append(entry)
        width = max(20, self.size.width - 2) if self.size.width else 200
        for compact in (0, 1, 2):
            text = Text()
            _key(text, ":", "command")
            _key(text, "?", "help")
            if quit_key is not None:  # a form refuses it: then it is not offered
                _key(text, quit_key[0], "quit", quit_key[1])
            for key, words, enabled in own:
                _key(text, key, short(words) if compact == 2 else words, enabled)
            if compact and verbs:
                for key, _words, enabled in verbs:
                    text.append(key + " ", style=("bold" if enabled else "dim") + " dark_orange")
            else:
                for key, words, enabled in verbs:
                    _key(text, key, words, enabled)
            text.rstrip()
            if text.cell_len <= width:
                break
        self.update(text, layout=False)


def _key(text: Text, key: str, words: str, enabled: bool = True) -> None:
    style = "bold" if enabled else "dim"
    text.append(key, style=f"{style} dark_orange")
    text.append(f" {words}  ", style="" if enabled else "dim")
