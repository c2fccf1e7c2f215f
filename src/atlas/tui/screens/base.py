"""What every atlas screen shares: the header, the footer and `esc` to go back."""

from __future__ import annotations

from typing import cast

from textual.binding import Binding
from textual.screen import Screen

from atlas.tui.context import AtlasContext
from atlas.tui.widgets.header import AtlasHeader


class AtlasScreen(Screen):
    TITLE = ""
    HELP = ""  # one line shown at the top of the help screen
    BINDINGS = [Binding("escape", "back", "back", id="screen.back")]

    @property
    def atlas(self) -> AtlasContext:
        """The app, as the declared protocol screens may use (see atlas.tui.context)."""
        return cast(AtlasContext, self.app)

    def header(self) -> AtlasHeader:
        return AtlasHeader(self.TITLE)

    def action_back(self) -> None:
        self.app.back()

    def on_mount(self) -> None:
        self.watch(self.app, "loaded", self._on_loaded, init=False)
        self.watch(self.app, "health_version", self._on_health, init=False)
        if self.app.loaded:
            self._on_loaded()

    def _on_loaded(self, _value: object = None) -> None:
        if self.app.workspace is not None:
            self.workspace_ready()

    def _on_health(self, _value: object = None) -> None:
        if self.app.workspace is not None:
            self.health_changed()

    def workspace_ready(self) -> None:
        """The catalog is loaded: fill the screen."""

    def health_changed(self) -> None:
        """A refresh finished (or failed, or started)."""
