"""The prioritised action list: Now / Soon / Later headings, each action in two lines (what
to do; due date, team and the atlas command that starts it)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from atlas.handover.actions import Action
from atlas.handover.plan import HandoverPlan
from atlas.tui.handover import text as words


class ActionList(OptionList):
    DEFAULT_CSS = "ActionList { height: 1fr; border: none; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.actions: dict[str, Action] = {}  # option id -> action

    def show(self, plan: HandoverPlan, keep: Callable[[Action], bool] = lambda _: True) -> None:
        self.clear_options()
        self.actions = {}
        shown = [a for a in plan.actions if keep(a)]
        for priority in (1, 2, 3):
            mine = [a for a in shown if a.priority == priority]
            if not mine:
                continue
            self.add_option(Option(words.priority_heading(priority, len(mine)), disabled=True))
            for action in mine:
                option_id = f"action-{len(self.actions)}"
                self.actions[option_id] = action
                self.add_option(Option(words.action_prompt(action), id=option_id))

    def action_of(self, option_id: str | None) -> Action | None:
        return self.actions.get(option_id or "")

    @property
    def highlighted_action(self) -> Action | None:
        if self.highlighted is None:
            return None
        return self.action_of(self.get_option_at_index(self.highlighted).id)
