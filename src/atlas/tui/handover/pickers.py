"""The two small questions the tour asks: who is touring, and how well they know a stop."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from atlas.catalog.model import KNOWLEDGE_LEVELS, Catalog
from atlas.handover.tour import DEFAULT_LEVEL

LEVEL_MEANING = {
    "heard-of": "knows what it is and where it sits",
    "can-operate": "can follow its runbook: restart, backfill, roll back",
    "can-debug": "can find and fix a failure nobody wrote down",
    "expert": "can change its design and teach it",
}

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 72; height: auto; max-height: 80%; border: thick $accent; background: $surface;
                    padding: 0 1; }}
{name} .picker-title {{ height: auto; margin: 0 0 1 0; }}
{name} OptionList {{ height: auto; max-height: 20; border: none; }}
"""


class _Picker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel", id="handover.picker_cancel")]

    def __init__(self, title: Text, options: list[Option], highlighted: int = 0) -> None:
        super().__init__()
        self._title = title
        self._options = options
        self._highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, classes="picker-title")
            yield OptionList(*self._options)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self._highlighted
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LevelPicker(_Picker):
    """How well `person` knows `component` now; starts on their recorded level, else
    can-operate. Dismisses with the level, or None."""

    DEFAULT_CSS = _CSS.format(name="LevelPicker")

    def __init__(self, person: str, component: str, current: str | None = None) -> None:
        title = Text.assemble("How well does ", (person, "bold"), " know ", (component, "bold"), " now?\n",
                              ("enter records it in the catalog · esc cancels", "dim"))
        options = []
        for level in KNOWLEDGE_LEVELS:
            mark = " (recorded)" if level == current else ""
            options.append(Option(Text.assemble((f"{level:<12}", "bold"), LEVEL_MEANING[level], (mark, "dim")),
                                  id=level))
        start = KNOWLEDGE_LEVELS.index(current if current in KNOWLEDGE_LEVELS else DEFAULT_LEVEL)
        super().__init__(title, options, start)


class PersonPicker(_Picker):
    """Who is touring: the people of the teams taking over first. Dismisses with a person
    id, or None."""

    DEFAULT_CSS = _CSS.format(name="PersonPicker")

    def __init__(self, catalog: Catalog, current: str | None = None) -> None:
        def key(pid: str) -> tuple:
            team = catalog.teams.get(catalog.people[pid].team)
            return (team is not None and not team.new_owner, catalog.people[pid].team, pid)

        ids = sorted(catalog.people, key=key)
        options = []
        for pid in ids:
            person = catalog.people[pid]
            team = catalog.teams.get(person.team)
            leaving = " · previous team" if team is not None and not team.new_owner else ""
            options.append(Option(Text.assemble((f"{pid:<10}", "bold"), f" {person.name or ''}",
                                                 (f"  {person.team or '-'}{leaving}", "dim")), id=pid))
        title = Text.assemble(("Who is taking the tour?", "bold"), "\n",
                              ("Set ATLAS_USER to your person id to skip this question.", "dim"))
        super().__init__(title, options, ids.index(current) if current in ids else 0)
