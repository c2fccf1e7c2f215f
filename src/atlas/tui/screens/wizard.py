"""The experiment wizard: five steps, each a screen pushed on the experiments area's stack,
so `esc` goes back one step with every field as it was left.

    1 template  ›  2 experiment  ›  3 parameters  ›  4 review  ›  5 submit

Nothing is written before step 4 (the draft manifest); step 5 opens the pull requests.
Open it with `open_wizard(app, backend)`; the experiments screen does so on `n`. In
read-only mode it refuses to open and says why.

The steps live in `atlas.tui.wizard` (one module per step); the experiments core calls
they make go through `ExperimentsBackend`, injected so tests can point it anywhere.
"""

from __future__ import annotations

from atlas.tui.context import AtlasContext
from atlas.tui.wizard.backend import ExperimentsBackend
from atlas.tui.wizard.parameters import ParametersStep
from atlas.tui.wizard.review import PlanScreen
from atlas.tui.wizard.start import IdentityStep, TemplateStep
from atlas.tui.wizard.step import WizardStep
from atlas.tui.wizard.submit import SubmitStep

__all__ = [
    "ExperimentsBackend",
    "IdentityStep",
    "ParametersStep",
    "PlanScreen",
    "SubmitStep",
    "TemplateStep",
    "WizardStep",
    "open_wizard",
]


def open_wizard(app: AtlasContext, backend: ExperimentsBackend) -> bool:
    """Push step 1; False (with a notification) when the app is read-only."""
    if app.read_only:
        app.notify("read-only mode: the experiment wizard writes a manifest and opens pull requests, "
                   "so it is off; start atlas without --read-only to use it", severity="warning", timeout=8)
        return False
    app.push_screen(TemplateStep(backend))
    return True
