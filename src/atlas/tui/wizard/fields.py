"""One labelled form field of the wizard: the input, checked as you type, the current
production value dim beside it, the template's help under it, and the problem in red under
that (shown once the field was touched or Next was pressed)."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

Check = Callable[[str], "str | None"]

LABEL_WIDTH = 22


class FormField(Vertical):
    DEFAULT_CSS = f"""
    FormField {{ height: auto; }}
    FormField .field-row {{ height: auto; }}
    FormField .field-label {{ width: {LABEL_WIDTH}; padding: 1 2 0 0; text-align: right; text-style: bold; }}
    FormField Input {{ width: 30; }}
    FormField Input.wide {{ width: 64; }}
    FormField Input.-invalid {{ border: tall $error; }}
    FormField Input.-invalid:focus {{ border: tall $error; }}
    FormField .field-side {{ width: 1fr; height: auto; padding: 1 0 0 2; color: $text-muted; }}
    FormField .field-error {{ padding: 0 0 0 {LABEL_WIDTH}; color: $text-error; height: auto; display: none; }}
    FormField.-show-error .field-error {{ display: block; }}
    """

    def __init__(
        self,
        key: str,
        label: str,
        value: str,
        check: Check,
        *,
        help: str = "",
        production: str | None = None,
        suggestions: list[str] | None = None,
        wide: bool = False,
        placeholder: str = "",
    ) -> None:
        super().__init__(id=f"field-{key}", classes="form-field")
        self.key = key
        self.label = label
        self._value = value
        self._check = check
        self._help = help
        self._production = production
        self._suggestions = suggestions
        self._wide = wide
        self._placeholder = placeholder
        self.problem: str | None = check(value)
        self.touched = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            suggester = SuggestFromList(self._suggestions, case_sensitive=False) if self._suggestions else None
            yield Input(
                self._value,
                placeholder=self._placeholder,
                suggester=suggester,
                id=f"input-{self.key}",
                classes="wide" if self._wide else "",
            )
            # One widget for both lines: a form has dozens of fields, and each widget costs.
            yield Static(self._side(), classes="field-side")
        yield Static("", classes="field-error")

    def on_mount(self) -> None:
        self._show()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def on_input_changed(self, event: Input.Changed) -> None:
        # Validated as you type; the message still bubbles up to the step screen.
        self.problem = self._check(event.value)
        self.touched = True
        self._show()

    def reveal(self) -> None:
        """Show this field's problem even if it was never typed in (Next was pressed)."""
        self.touched = True
        self.problem = self._check(self.value)
        self._show()

    def recheck(self) -> None:
        """Re-validate after something outside changed (the rules depend on other fields)."""
        self.problem = self._check(self.value)
        self._show()

    def _show(self) -> None:
        shown = bool(self.problem) and self.touched
        self.input.set_class(shown, "-invalid")
        self.set_class(shown, "-show-error")
        self.query_one(".field-error", Static).update(Text(f"✗ {self.problem}" if shown else ""))

    def _side(self) -> Text:
        """The production value (dim) over the help text; Text, as patterns hold [..]."""
        side = Text()
        if self._production is not None:
            side.append_text(Text(self._production) if isinstance(self._production, str) else self._production)
            if self._help:
                side.append("\n")
        if self._help:
            side.append(self._help)
        return side

    @property
    def production(self) -> str:
        return str(self._production or "")

    def set_production(self, text: Text | str) -> None:
        self._production = text
        if self.is_mounted:
            self.query_one(".field-side", Static).update(self._side())


def production_text(name: str, values: dict | None, error: str) -> Text:
    """`production 0.05`, `loading…` or `unavailable: reason`, always dim."""
    if error:
        return Text(f"production unavailable: {error}", style="dim yellow")
    if values is None:
        return Text("production: loading…", style="dim italic")
    if name in values:
        return Text(f"production {values[name]}", style="dim")
    return Text("production: not set", style="dim")
