"""Slots that later issues fill: the experiment wizard and the handover view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar


class _Placeholder(AtlasScreen):
    EXPLANATION = ""

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(self.EXPLANATION, classes="placeholder")
        yield KeyBar()


class ExperimentsScreen(_Placeholder):
    TITLE = "Experiments"
    HELP = "The A/B experiment wizard (coming)."
    EXPLANATION = (
        "Experiments: the wizard that opens one coordinated PR per repo is not in the TUI yet; "
        "use `atlas experiment --help` meanwhile."
    )


class HandoverScreen(_Placeholder):
    TITLE = "Handover"
    HELP = "The ownership handover plan (coming)."
    EXPLANATION = (
        "Handover: the per-component transfer plan is not in the TUI yet; "
        "use `atlas handover` meanwhile. Each component screen already shows its previous owner and stage."
    )
