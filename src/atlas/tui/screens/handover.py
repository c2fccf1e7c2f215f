"""Handover: is the new team ready to own the product, what is at risk, and what to do next.

Top: overall readiness and a bar per system (score, components by transition stage). Below,
two tabs: the components sorted by risk (enter: each rule's verdict, who to ask, open
issues) and the prioritised action list (Now / Soon / Later, with the atlas command that
starts each). `/` filters by team or id, `a` switches tabs, `T` starts the onboarding tour.
The two lists are widgets of their own (atlas.tui.handover.risk_table and .action_list).

The plan reads git history (runbook freshness) and GitHub (open issues), so both are built
in thread workers that post typed messages; the first frame never waits for them.

Register it in app.py in place of the placeholder:

    "handover": _lazy("handover", "HandoverScreen"),        # key h (app.handover)

Tests pass `today` (a frozen date; by default the date of the app's clock, UTC) and
`issues=False` to leave GitHub alone.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, Static, TabbedContent, TabPane

from atlas.handover.issues import IssueReport
from atlas.handover.plan import HandoverPlan
from atlas.tui.handover import app_today
from atlas.tui.handover.action_list import ActionList
from atlas.tui.handover.risk_table import RiskTable, columns_for, highlighted, matches
from atlas.tui.handover import text as words
from atlas.tui.health_view import one_line
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar


class PlanBuilt(Message):
    def __init__(self, plan: HandoverPlan | None, error: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.error = error


class IssuesFetched(Message):
    def __init__(self, report: IssueReport | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error


class HandoverScreen(AtlasScreen):
    TITLE = "Handover"
    HELP = "Readiness per system and component, risks first; enter: why and who to ask; T: the tour."
    DEFAULT_CSS = """
    HandoverScreen #handover-summary { height: auto; padding: 0 1; }
    HandoverScreen #handover-systems { height: auto; padding: 0 1; margin: 0 0 1 0; }
    HandoverScreen #handover-filter { display: none; height: 3; border: tall $accent; }
    HandoverScreen #handover-filter.-shown { display: block; }
    HandoverScreen #handover-tabs { height: 1fr; }
    HandoverScreen #handover-risks { height: 1fr; }
    HandoverScreen #handover-detail { height: 2; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("slash", "filter", "filter", key_display="/", id="handover.filter"),
        Binding("a", "switch_tab", "risks/actions", id="handover.actions"),
        Binding("T", "tour", "tour", id="handover.tour"),
        Binding("y", "copy_command", "copy command", id="handover.copy_command"),
        Binding("ctrl+r", "rebuild", "rebuild", show=False, id="handover.rebuild"),
    ]

    def __init__(self, *, today: dt.date | None = None, issues: bool = True) -> None:
        super().__init__()
        self.today = today
        self.fetch_issues = issues
        self.plan: HandoverPlan | None = None
        self.plan_error = ""
        self.issues: IssueReport | None = None
        self.issues_failed = ""
        self.issues_started = False
        self.filter_words: list[str] = []
        self._stale = False  # knowledge recorded on the tour: rebuild on return
        self._shown = False  # a plan has been drawn once
        self._planned_with: object = None  # the health snapshot the plan ranked with

    # ---- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(Text("building the handover plan (runbooks, git history)…", style="italic"),
                     id="handover-summary")
        yield Static("", id="handover-systems")
        yield Input(placeholder="filter by team or id (words ANDed) · enter: done · esc: clear",
                    id="handover-filter")
        with TabbedContent(id="handover-tabs"):
            with TabPane("Risks", id="tab-risks"):
                yield RiskTable(id="handover-risks")
            with TabPane("Actions", id="tab-actions"):
                yield ActionList(id="handover-actions")
        yield Static("", id="handover-detail")
        yield KeyBar()

    # ---- data -------------------------------------------------------------------------

    def workspace_ready(self) -> None:
        if self.plan is None:
            self._build_plan()
        self._maybe_fetch_issues()

    def _today(self) -> dt.date:
        return self.today or app_today(self.app)

    @work(thread=True, exclusive=True, group="handover-plan")
    def _build_plan(self) -> None:
        from atlas.handover.plan import build_plan

        workspace = self.app.workspace
        snapshot = self.atlas.health.snapshot
        # what fails now ranks higher; before the first refresh the plan says it did not know
        statuses = None if snapshot is None else {cid: h.status.value for cid, h in snapshot.components.items()}
        self._planned_with = snapshot
        try:
            plan = build_plan(workspace.catalog, workspace.graph, today=self._today(), statuses=statuses)
        except Exception as exc:  # a plan that cannot be built: one line, never a traceback
            self.post_message(PlanBuilt(None, one_line(exc)))
        else:
            self.post_message(PlanBuilt(plan))

    def on_resize(self, event) -> None:
        if self.plan is not None and columns_for(self.size.width - 4) != self.query_one(RiskTable).shown_columns:
            self._fill_table()

    def health_changed(self) -> None:
        health = self.atlas.health
        if self.plan is not None and not health.refreshing and health.snapshot is not self._planned_with:
            self._build_plan()  # new statuses: the ranking moves with what fails now

    def _maybe_fetch_issues(self) -> None:
        if self.issues_started:
            return
        if not self.fetch_issues:
            self.issues_started = True
            self.issues = IssueReport(skipped="not fetched")
            return
        self.issues_started = True
        self._fetch_issues()

    @work(thread=True, exclusive=True, group="handover-issues")
    def _fetch_issues(self) -> None:
        try:
            # the services start the demo's GitHub emulator on demand: no waiting for it
            report = self.atlas.services.issues()
        except Exception as exc:  # fetch_issues reports failures itself; this is a last guard
            self.post_message(IssuesFetched(None, one_line(exc)))
        else:
            self.post_message(IssuesFetched(report))

    def on_plan_built(self, message: PlanBuilt) -> None:
        self.plan, self.plan_error = message.plan, message.error
        self._show_plan()
        self.refresh_bindings()  # the keys that need a plan are live now

    def on_issues_fetched(self, message: IssuesFetched) -> None:
        self.issues, self.issues_failed = message.report, message.error
        if self.issues is not None and not self.issues.by_component and self.issues.errors:
            self.issues_failed = self.issues.errors[0]
        if self.plan is not None:
            self._show_summary()
            self._fill_table()

    @property
    def issues_loading(self) -> bool:
        return self.issues is None and not self.issues_failed

    # ---- drawing ----------------------------------------------------------------------

    def _show_plan(self) -> None:
        if self.plan is None:
            self.query_one("#handover-summary", Static).update(
                Text(f"The handover plan could not be built: {self.plan_error}", style="bold red"))
            return
        self._show_summary()
        plan = self.plan
        width = max((len(s.name) for s in plan.systems), default=10)
        fit = max(40, self.size.width - 2)
        lines = [words.system_line(system, plan, width) for system in plan.systems]
        for line in lines:
            line.truncate(fit, overflow="ellipsis")  # one line per system, whatever the names
        self.query_one("#handover-systems", Static).update(Text("\n").join(lines))
        self._fill_table()
        self._fill_actions()
        if not self._shown:  # first build: the list takes the keys; a rebuild keeps focus
            self._shown = True
            self.query_one(RiskTable).focus()

    def _show_summary(self) -> None:
        assert self.plan is not None
        self.query_one("#handover-summary", Static).update(
            words.summary(self.plan, words.issues_state(self.issues, self.issues_loading, self.issues_failed)))

    def _fill_table(self) -> None:
        assert self.plan is not None
        table = self.query_one(RiskTable)
        table.show(self.plan, self.filter_words, self.size.width - 4, self.issues, self.issues_loading,
                   self.issues_failed)
        self._describe(table.cursor_id)

    def _fill_actions(self) -> None:
        plan = self.plan
        assert plan is not None
        filter_words = self.filter_words

        def keep(action) -> bool:
            if not filter_words:
                return True
            if action.components:
                return any(matches(plan, c, filter_words) for c in action.components)
            return all(w in action.owner for w in filter_words)  # a team-level action

        self.query_one(ActionList).show(plan, keep)

    def _describe(self, component_id: str | None) -> None:
        """Under the list: the highlighted component's rank and its failing rules."""
        self.query_one("#handover-detail", Static).update(
            highlighted(self.plan, component_id, bool(self.filter_words), max(20, self.size.width - 2)))

    # ---- events and keys --------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            first = self.app.focus_id is None
            self.app.focus_id = event.row_key.value  # r, l and o act on it
            if first:
                self.refresh_bindings()
            self._describe(event.row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is not None and event.row_key.value:
            self.show_detail(event.row_key.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        action = self.query_one(ActionList).action_of(event.option.id)
        if action is None:
            return
        if action.component and self.plan is not None and action.component in self.plan.readiness:
            self.show_detail(action.component)
        elif action.command:
            self.notify(f"$ {action.command}", title="run")

    def show_detail(self, component_id: str) -> None:
        from atlas.tui.handover.detail import ReadinessDetail

        if self.plan is None:
            return

        def opened(choice: str | None) -> None:
            if choice:
                self.app.open_component(choice)

        self.app.push_screen(ReadinessDetail(self.plan, component_id, self.issues, self.issues_loading,
                                             self.issues_failed), opened)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "handover-filter":
            return
        self.filter_words = event.value.lower().split()
        if self.plan is not None:
            self._fill_table()
            self._fill_actions()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "handover-filter":
            self._focus_list()

    def _focus_list(self) -> None:
        tabs = self.query_one(TabbedContent)
        target = "#handover-actions" if tabs.active == "tab-actions" else "#handover-risks"
        self.query_one(target).focus()

    def action_filter(self) -> None:
        field = self.query_one("#handover-filter", Input)
        field.add_class("-shown")
        field.focus()

    def action_back(self) -> None:
        field = self.query_one("#handover-filter", Input)
        if field.has_class("-shown"):
            field.value = ""
            field.remove_class("-shown")
            self._focus_list()
            return
        super().action_back()

    def action_switch_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-actions" if tabs.active == "tab-risks" else "tab-risks"
        self._focus_list()

    def action_copy_command(self) -> None:
        tabs = self.query_one(TabbedContent)
        action = None
        if tabs.active == "tab-actions":
            action = self.query_one(ActionList).highlighted_action
        elif self.plan is not None:
            cid = self.query_one(RiskTable).cursor_id
            action = next((a for a in self.plan.actions if a.component == cid and a.command), None)
        if action is None or not action.command:
            self.notify("no command for this one", severity="warning")
            return
        self.app.copy_to_clipboard(action.command)
        self.notify(f"$ {action.command}", title="copied")

    def action_tour(self) -> None:
        from atlas.tui.screens.tour import TourScreen

        self.app.push_screen(TourScreen(today=self._today(), on_recorded=self._knowledge_changed))

    def _knowledge_changed(self) -> None:
        self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.app.workspace is not None:
            self._stale = False
            self._build_plan()

    def action_rebuild(self) -> None:
        if self.app.workspace is not None:
            self._build_plan()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("switch_tab", "copy_command", "filter") and self.plan is None:
            return None  # shown greyed until the plan is there
        if action == "tour" and self.app.workspace is None:
            return None
        return True
