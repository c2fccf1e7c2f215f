"""Component: everything about one component on one screen, its runbook beside it.

Two columns when the terminal is wide, tabs (Details / Runbook) when it is narrow.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import Label, OptionList, Sparkline, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from atlas.tui import component_text as words
from atlas.tui.health_view import one_line
from atlas.tui.links import component_links
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.status import COLOUR, GLYPH, WORD
from atlas.tui.widgets.keybar import KeyBar
from atlas.tui.widgets.runbook import RunbookView, runbook_markdown

WIDE = 110  # columns from which the runbook sits beside the details


class ComponentScreen(AtlasScreen):
    TITLE = "Component"
    HELP = "One component: owner, handover, neighbours, signals, recent errors and runbook."
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("u", "focus_upstream", "upstream", id="component.upstream"),
        Binding("d", "focus_downstream", "downstream", id="component.downstream"),
        Binding("k", "focus_links", "links", id="component.links"),
        Binding("o", "open_link", "open link", id="component.open_link"),
        Binding("y", "copy_link", "copy link", id="component.copy_link"),
    ]

    def __init__(self, component_id: str, section: str = "") -> None:
        super().__init__()
        self.component_id = component_id
        self.section = section
        self.errors: list | None = None  # None = still loading
        self.errors_failed = ""
        self.wide = True

    # ---- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.wide = self.app.size.width >= WIDE
        yield self.header()
        if self.wide:
            with Horizontal(id="component-columns"):
                yield from self._details()
                yield from self._runbook()
        else:
            with TabbedContent(id="component-tabs"):
                with TabPane("Details", id="tab-details"):
                    yield from self._details()
                with TabPane("Runbook", id="tab-runbook"):
                    yield from self._runbook()
        yield KeyBar()

    def on_resize(self, event: Resize) -> None:
        if (self.app.size.width >= WIDE) != self.wide:
            self.refresh(recompose=True)

    def _details(self) -> ComposeResult:
        app = self.app
        catalog = app.workspace.catalog
        component = catalog.components[self.component_id]
        health = app.health
        with VerticalScroll(id="details"):
            yield Static(words.identity(component, health), id="identity")
            yield Static(words.ownership(component, catalog), id="ownership")
            with Horizontal(id="neighbours"):
                with Vertical():
                    yield Label("Upstream (depends on)", classes="section")
                    yield self._neighbours("upstream", app.workspace.graph.upstream(self.component_id, depth=1))
                with Vertical():
                    yield Label("Downstream (feeds)", classes="section")
                    yield self._neighbours("downstream", app.workspace.graph.downstream(self.component_id, depth=1))
            yield Label("Signals", classes="section")
            yield Vertical(*self._signals(), id="signals")
            if component.kind == "kubeflow_recurring_run":
                yield Label("Last runs (Kubeflow)", classes="section")
                yield Static(Text("loading runs…", style="italic"), id="runs")
            yield Label("Recent errors (logs)", classes="section")
            yield Static(self._errors_text(), id="errors")
            yield Label("Links (o opens, y copies; k goes there)", classes="section")
            yield self._links()

    def _signals(self) -> list:
        app = self.app
        catalog = app.workspace.catalog
        component = catalog.components[self.component_id]
        signals = words.signal_rows(component, catalog, app.health)
        if not signals:
            return [Static("No health signals apply to this kind. Add [[signal]] templates for it.", classes="empty")]
        rows = []
        for signal in signals:
            text = Static(words.signal_line(signal, app.health.stale, app.clock()), classes="signal-text")
            spark = Sparkline([v for _, v in signal.points] or None, classes="signal-spark")
            rows.append(Horizontal(text, spark, classes="signal"))
        return rows

    def _neighbour_options(self, ids) -> list[Option]:
        health = self.app.health
        options = []
        for cid in sorted(ids):
            status = health.status(cid)
            prompt = Text.assemble((f"{GLYPH[status]} {WORD[status]:<7}", COLOUR[status]), f" {cid}")
            options.append(Option(prompt, id=cid))
        return options or [Option("(none)", disabled=True)]

    def _links(self) -> OptionList:
        self.links = component_links(self.app.workspace.catalog, self.component_id)
        options = []
        for i, link in enumerate(self.links):
            # one line each: the label, then as much of the URL as fits (o and y take it whole)
            column = self.app.size.width // 2 if self.wide else self.app.size.width
            room = max(12, column - len(link.label) - 8)
            url = link.url if len(link.url) <= room else link.url[: room - 1] + "…"
            prompt = Text.assemble((link.label, "bold"), "  ", (url, "dim"))
            options.append(Option(prompt, id=f"link-{i}"))
        links = OptionList(*(options or [Option("(no links in the catalog)", disabled=True)]), id="links",
                           classes="links")
        if options:
            links.highlighted = 0
        return links

    def current_link(self):
        """The highlighted link, else the first (the Logs Explorer when there is one)."""
        if not getattr(self, "links", None):
            return None
        index = self.query_one("#links", OptionList).highlighted
        return self.links[index if index is not None and index < len(self.links) else 0]

    def _neighbours(self, which: str, ids) -> OptionList:
        return OptionList(*self._neighbour_options(ids), id=which, classes="neighbours")

    def _runbook(self) -> ComposeResult:
        catalog = self.app.workspace.catalog
        component = catalog.components[self.component_id]
        markdown, _found = runbook_markdown(catalog, component, self.atlas.read_only)
        yield RunbookView(markdown, id="runbook")

    # ---- data -------------------------------------------------------------------------

    def workspace_ready(self) -> None:
        self.app.focus_id = self.component_id
        self._load_errors()
        if self.query("#runs"):
            self._load_runs()
        self.show_section(self.section)

    def health_changed(self) -> None:
        """Update values in place: the reader keeps their scroll position and focus."""
        app = self.app
        if app.health.refreshing:
            return  # a poll started: the values have not changed yet
        component = app.workspace.catalog.components[self.component_id]
        self.query_one("#identity", Static).update(words.identity(component, app.health))
        graph = app.workspace.graph
        for which, ids in (("upstream", graph.upstream(self.component_id, depth=1)),
                           ("downstream", graph.downstream(self.component_id, depth=1))):
            options = self.query_one(f"#{which}", OptionList)
            highlighted = options.highlighted
            options.clear_options()
            options.add_options(self._neighbour_options(ids))
            options.highlighted = highlighted
        signals = self.query_one("#signals", Vertical)
        signals.remove_children()
        signals.mount_all(self._signals())

    @work(thread=True, exclusive=True, group="recent-errors")
    def _load_errors(self) -> None:
        try:
            lines = self.atlas.services.recent_errors(self.component_id)
        except Exception as exc:
            self.app.call_from_thread(self._errors_loaded, None, one_line(exc))
        else:
            self.app.call_from_thread(self._errors_loaded, list(lines), "")

    @work(thread=True, exclusive=True, group="recent-runs")
    def _load_runs(self) -> None:
        from atlas.tui.runs_text import timeline

        reader = getattr(self.atlas.services, "recent_runs", None)
        try:
            text = timeline(reader(self.component_id), self.app.clock()) if reader else Text("no Kubeflow reader")
        except Exception as exc:
            text = Text(f"could not read runs: {one_line(exc)}", style="dark_orange")
        self.app.call_from_thread(lambda: [w.update(text) for w in self.query("#runs")])

    def _errors_loaded(self, lines: list | None, failed: str) -> None:
        self.errors = lines if lines is not None else []
        self.errors_failed = failed
        for widget in self.query("#errors"):
            widget.update(self._errors_text())

    def _errors_text(self) -> Text:
        if self.errors_failed:
            return Text(f"could not read logs: {self.errors_failed}", style="dark_orange")
        if self.errors is None:
            return Text("loading recent errors…", style="italic")
        if not self.errors:
            return Text("no errors logged recently", style="green")
        text = Text()
        for line in self.errors[:20]:
            text.append_text(words.log_line(line, self.atlas.clock()))
            text.append("\n")
        text.rstrip()
        return text

    # ---- keys -------------------------------------------------------------------------

    def show_section(self, section: str) -> None:
        self.section = section
        if section == "runbook":
            if not self.wide:
                self.query_one(TabbedContent).active = "tab-runbook"
            runbook = self.query_one("#runbook", RunbookView)
            runbook.focus()
            runbook.show_first_steps()
        elif section == "errors":
            if not self.wide:
                self.query_one(TabbedContent).active = "tab-details"
            self.query_one("#errors").scroll_visible(animate=False)
            self.query_one("#details").focus()
        else:  # keys on the neighbours, but the reader starts at the top
            self.query_one("#upstream").focus(scroll_visible=False)

    def action_focus_upstream(self) -> None:
        self.query_one("#upstream").focus()

    def action_focus_downstream(self) -> None:
        self.query_one("#downstream").focus()

    def action_focus_links(self) -> None:
        self.query_one("#links").focus()

    def action_open_link(self) -> None:
        link = self.current_link()
        if link is not None:
            self.atlas.open_link(link.url, link.label)

    def action_copy_link(self) -> None:
        link = self.current_link()
        if link is not None:
            self.app.copy_to_clipboard(link.url)  # OSC 52: the terminal's clipboard, even over ssh
            self.notify(link.url, title=f"copied: {link.label}", timeout=8)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "links":
            self.action_open_link()
        elif event.option.id:
            self.app.open_component(event.option.id)
