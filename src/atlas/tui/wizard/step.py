"""What every step of the wizard shares: the header, where you are among the five steps,
Back/Next buttons, `esc` one step back, `ctrl+n` next."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from atlas.tui.screens.base import AtlasScreen
from atlas.tui.wizard.backend import ExperimentsBackend
from atlas.tui.wizard.draft import WizardDraft
from atlas.tui.widgets.keybar import KeyBar

STEPS = ("template", "experiment", "parameters", "review", "submit")

WIZARD_CSS = """
WizardStep #wizard-steps { height: 1; padding: 0 1; background: $boost; }
WizardStep #wizard-body { height: 1fr; padding: 0 1; }
WizardStep #wizard-buttons { height: 3; align-horizontal: right; padding: 0 1; }
WizardStep #wizard-buttons Button { margin: 0 0 0 2; }
WizardStep #wizard-message { height: auto; max-height: 3; padding: 0 1; }
WizardStep .step-intro { height: auto; padding: 1 0 0 0; color: $text-muted; }
WizardStep .step-section { height: auto; margin: 1 0 0 0; text-style: bold; color: $accent; }
"""


def steps_line(current: int) -> Text:
    text = Text()
    for i, name in enumerate(STEPS, start=1):
        if i > 1:
            text.append("  ›  ", style="dim")
        if i == current:
            text.append(f"{i} {name}", style="bold reverse")
        elif i < current:
            text.append(f"{i} {name} ✓", style="green")
        else:
            text.append(f"{i} {name}", style="dim")
    return text


class WizardStep(AtlasScreen):
    FORM = True  # printable keys are input here, never app verbs (atlas.tui.keyguard)
    DEFAULT_CSS = WIZARD_CSS
    TITLE = "Experiments · new experiment"
    STEP = 0
    NEXT_LABEL = "Next ›"
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("ctrl+n", "next", "next", id="wizard.next"),
    ]

    def __init__(self, backend: ExperimentsBackend, draft: WizardDraft | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.draft = draft

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(steps_line(self.STEP), id="wizard-steps")
        yield from self.compose_body()
        yield Static("", id="wizard-message")
        with Horizontal(id="wizard-buttons"):
            yield Button("‹ Back (esc)", id="wizard-back")
            yield Button(f"{self.NEXT_LABEL} (ctrl+n)", id="wizard-next", variant="primary")
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "wizard-back":
            self.action_back()
        elif event.button.id == "wizard-next":
            self.action_next()

    def action_next(self) -> None:
        """Check this step's fields; go on only when they are fine."""

    def keep(self) -> None:
        """Put what was typed on this step into the draft (going back keeps it)."""

    def action_back(self) -> None:
        """esc: one step back, keeping what was typed; leaving the wizard with something
        typed asks first."""
        self.keep()
        if self.STEP == 1 and self.draft is not None and self.draft.has_input():
            self.app.push_screen(ConfirmLeave(), self._leave_if)
            return
        self.app.pop_screen()

    def _leave_if(self, leave: bool | None) -> None:
        if leave:
            self.app.pop_screen()

    def go(self, screen: "WizardStep") -> None:
        self.app.push_screen(screen)


class ConfirmLeave(ModalScreen[bool]):
    """Leaving the wizard drops the experiment typed so far: asked, never silent."""

    FORM = True
    DEFAULT_CSS = """
    ConfirmLeave { align: center middle; }
    ConfirmLeave > Static { width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "leave", id="wizard.leave"),
        Binding("n,escape", "answer(False)", "stay", id="wizard.stay"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Leave the wizard?", "bold"), "\nWhat you typed is not saved anywhere yet.\n\n",
                                   ("y", "bold"), " leave and drop it   ", ("n", "bold"), "/", ("esc", "bold"),
                                   " stay"))

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)
