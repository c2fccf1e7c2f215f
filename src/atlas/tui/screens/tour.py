"""The onboarding tour: the product walked in true data-flow order (from its sources, each
stop after what it depends on, across systems), one component per stop, its card on the
left (with where its data comes from and goes) and its runbook on the right.
`n`/`right` next, `p`/`left` previous, `home`/`end` the first source and the last stop, `m` records what the person learned (a level picker,
written to the catalog TOML in a worker), `w` changes who is touring, `esc` leaves.

Who is touring: the `person` given, else $ATLAS_USER, else $USER, when it is a person id of
the catalog; otherwise a picker asks. In read-only mode `m` is hidden and nothing is written.

Pushed by the Handover screen (`T`); to give it a key or a palette entry of its own in
app.py:

    from atlas.tui.screens.tour import TourScreen
    self.push_screen(TourScreen())
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from atlas.handover.knowledge import Learned
from atlas.handover.readiness import SUPPORT_WARNING_DAYS
from atlas.handover.tour import Tour, TourStop, build_tour
from atlas.tui import component_text as card
from atlas.tui.handover import app_today
from atlas.tui.handover.pickers import LevelPicker, PersonPicker
from atlas.tui.handover.text import bar
from atlas.tui.health_view import one_line
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.status import glyph
from atlas.tui.widgets.keybar import KeyBar


class KnowledgeRecorded(Message):
    def __init__(self, learned: Learned | None, error: str = "") -> None:
        super().__init__()
        self.learned = learned
        self.error = error


class TourScreen(AtlasScreen):
    TITLE = "Tour"
    HELP = ("The product in data-flow order from its sources, one component per stop; home: the first "
            "source, end: the serving edge; m records what you learned.")
    DEFAULT_CSS = """
    TourScreen #tour-progress { height: 2; padding: 0 1; background: $panel; }
    TourScreen #tour-columns { height: 1fr; }
    TourScreen #tour-card { width: 3fr; padding: 0 1; }
    TourScreen #tour-runbook { width: 2fr; border-left: vkey $panel-lighten-2; padding: 0 1; }
    TourScreen .section { margin: 1 0 0 0; text-style: bold; color: $accent; }
    TourScreen #tour-identity { margin: 1 0 0 0; }
    TourScreen #tour-level { margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("escape", "back", "leave tour", id="screen.back"),
        Binding("n,right", "next", "next", key_display="n", id="tour.next"),
        Binding("p,left", "previous", "previous", key_display="p", id="tour.previous"),
        Binding("home", "jump(0)", "first stop", show=False, id="tour.first"),
        Binding("end", "jump(-1)", "last stop", show=False, id="tour.last"),
        Binding("m", "mark_learned", "mark learned", id="tour.mark_learned"),
        Binding("w", "pick_person", "who", id="tour.person"),
        Binding("enter", "open_component", "open", show=False, id="tour.open"),
    ]

    def __init__(self, person: str | None = None, *, today: dt.date | None = None, start: str | None = None,
                 on_recorded: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.person = person
        self.today = today
        self.start = start
        self.on_recorded = on_recorded
        self.tour: Tour | None = None
        self.index = 0
        self.recorded: list[Learned] = []

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("", id="tour-progress")
        with Horizontal(id="tour-columns"):
            with VerticalScroll(id="tour-card"):
                yield Static("", id="tour-identity")
                yield Static("", id="tour-level")
                yield Label("Ownership and handover", classes="section")
                yield Static("", id="tour-ownership")
                yield Label("Data flow: where it comes from, where it goes", classes="section")
                yield Static("", id="tour-flow")
                yield Label("Signals", classes="section")
                yield Static("", id="tour-signals")
            with VerticalScroll(id="tour-runbook"):
                yield Static("", id="tour-runbook-text")
        yield KeyBar()

    # ---- data -------------------------------------------------------------------------

    def workspace_ready(self) -> None:
        if self.tour is not None:
            return
        catalog = self.app.workspace.catalog
        if self.person is None:
            self.person = self.atlas.services.person()
        self._build()
        if self.person is None and catalog.people:
            self.action_pick_person()

    def _build(self) -> None:
        workspace = self.app.workspace
        self.tour = build_tour(workspace.catalog, workspace.graph, self.person)
        if not self.tour.stops:
            self.query_one("#tour-progress", Static).update("The catalog has no components to tour.")
            return
        if self.start is not None:
            self.index = self.tour.index_of(self.start) if self.start in workspace.catalog.components else 0
        else:
            first = self.tour.next_stop()  # where this person left off
            self.index = first.index if first is not None else 0
        self._show()

    def health_changed(self) -> None:
        if self.tour is not None and self.tour.stops:
            self._show(scroll=False)

    @property
    def stop(self) -> TourStop | None:
        if self.tour is None or not self.tour.stops:
            return None
        return self.tour.stops[self.index]

    # ---- drawing ----------------------------------------------------------------------

    def _show(self, scroll: bool = True) -> None:
        stop = self.stop
        if stop is None:
            return
        app = self.app
        catalog = app.workspace.catalog
        component = catalog.components[stop.component]
        app.focus_id = stop.component
        self.query_one("#tour-progress", Static).update(self._progress(stop))
        self.query_one("#tour-identity", Static).update(card.identity(component, app.health))
        self.query_one("#tour-level", Static).update(self._level(stop))
        self.query_one("#tour-ownership", Static).update(card.ownership(component, catalog))
        self.query_one("#tour-flow", Static).update(self._flow(stop.component))
        self.query_one("#tour-signals", Static).update(self._signals(component))
        if scroll:
            # Rich's Markdown in one Static: Textual's Markdown widget builds a widget per
            # block and table cell, and re-laying those out made each step take ~0.8 s
            self.query_one("#tour-runbook-text", Static).update(RichMarkdown(self._runbook(component)))
            self.query_one("#tour-card").scroll_home(animate=False)
            self.query_one("#tour-runbook").scroll_home(animate=False)
        self.refresh_bindings()

    def _progress(self, stop: TourStop) -> Text:
        tour = self.tour
        assert tour is not None
        text = Text()
        who = self._person_name()
        text.append(f"Tour for {who}" if who else "Tour (nobody picked: w)", style="bold")
        text.append(f" · stop {stop.index + 1} of {len(tour.stops)} · ")
        text.append(stop.system_name or "(no system)", style="bold")
        if self.person:
            text.append(f" · learned {tour.learned_count} of {len(tour.stops)} ")
            text.append_text(bar(round(100 * tour.progress), 20, style="cyan"))
        text.append("\n")
        text.append(_trail(tour, self.index), style="dim")
        return text

    def _person_name(self) -> str:
        if not self.person:
            return ""
        person = self.app.workspace.catalog.people.get(self.person)
        return f"{person.name} ({self.person})" if person and person.name else self.person

    def _level(self, stop: TourStop) -> Text:
        if not self.person:
            return Text("Pick who is touring (w) to record what you learn.", style="dim")
        if stop.level:
            style = "green" if stop.learned else "yellow"
            text = Text(f"✔ {self.person} knows it: {stop.level}" if stop.learned
                        else f"◔ {self.person} has {stop.level} it", style=style)
        else:
            text = Text(f"○ {self.person} has not learned it yet", style="italic")
        if not self.atlas.read_only:
            text.append("   m: record it", style="dim")
        handover = self.app.workspace.catalog.components[stop.component].handover
        if handover is not None and handover.previous_owner and handover.support_until is not None:
            days = (handover.support_until - self._today()).days
            when = f"{days} days left" if days >= 0 else f"ended {-days} days ago"
            text.append(f"\n{handover.previous_owner} supports it until {handover.support_until.isoformat()} ({when})",
                        style="bold red" if days < SUPPORT_WARNING_DAYS else "dim")
        return text

    def _today(self) -> dt.date:
        return self.today or app_today(self.app)

    def _flow(self, component_id: str) -> Text:
        graph = self.app.workspace.graph
        health = self.app.health
        text = Text()
        for label, ids in (("upstream", graph.upstream(component_id, depth=1)),
                           ("downstream", graph.downstream(component_id, depth=1))):
            text.append(f"{label:>10}  ", style="bold")
            if not ids:
                text.append("none", style="dim")
            for i, cid in enumerate(sorted(ids)):
                if i:
                    text.append(", ")
                text.append_text(glyph(health.status(cid)))
                text.append(f" {cid}")
            text.append("\n")
        text.rstrip()
        return text

    def _signals(self, component) -> Text:
        app = self.app
        rows = card.signal_rows(component, app.workspace.catalog, app.health)
        if not rows:
            return Text("No health signals apply to this kind.", style="dim")
        text = Text()
        for signal in rows:
            text.append_text(card.signal_line(signal, app.health.stale, app.clock()))
            text.append("\n")
        text.rstrip()
        return text

    def _runbook(self, component) -> str:
        catalog = self.app.workspace.catalog
        path = catalog.runbook_path(component)
        if path is None or not path.is_file():
            what = f"No runbook for {component.id}" if path is None else f"Runbook {component.runbook} is missing"
            advice = "" if self.atlas.read_only else (
                f"\n\nStart one with `atlas runbook new {component.id}`.")
            return f"## {what}\n\nAsk its owner or previous owner what to do when it breaks.{advice}"
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return f"## Could not read {component.runbook}\n\n{one_line(exc)}"

    # ---- keys -------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        if self.tour is None or not self.tour.stops:
            return
        self.index = max(0, min(len(self.tour.stops) - 1, self.index + step))
        self._show()

    def action_next(self) -> None:
        self._move(1)

    def action_jump(self, index: int) -> None:
        if self.tour is not None and self.tour.stops:
            self.index = index % len(self.tour.stops)
            self._show()

    def action_previous(self) -> None:
        self._move(-1)

    def action_open_component(self) -> None:
        if self.stop is not None:
            self.app.open_component(self.stop.component)

    def action_pick_person(self) -> None:
        catalog = self.app.workspace.catalog

        def picked(person: str | None) -> None:
            if person and person != self.person:
                self.person = person
                self.start = self.stop.component if self.stop is not None and self.tour.person else None
                self._build()

        self.app.push_screen(PersonPicker(catalog, self.person), picked)

    def action_mark_learned(self) -> None:
        stop, person = self.stop, self.person
        if stop is None or not person:
            return

        def chosen(level: str | None) -> None:
            if level:
                self._record(stop.component, person, level)

        self.app.push_screen(LevelPicker(person, stop.component, stop.level), chosen)

    @work(thread=True, group="tour-record")
    def _record(self, component_id: str, person: str, level: str) -> None:
        from atlas.handover.knowledge import KnowledgeError

        try:
            learned = self.atlas.services.mark_learned(component_id, person, level)
        except KnowledgeError as exc:
            self.post_message(KnowledgeRecorded(None, one_line(exc)))
        except Exception as exc:  # the file could not be written: say so in one line
            self.post_message(KnowledgeRecorded(None, f"{component_id}: {one_line(exc)}"))
        else:
            self.post_message(KnowledgeRecorded(learned))

    def on_knowledge_recorded(self, message: KnowledgeRecorded) -> None:
        learned = message.learned
        if learned is None:
            self.notify(f"Not recorded: {message.error}", severity="error", timeout=10)
            return
        where = _relative(learned.file, self.app.workspace.catalog.workspace)
        if not learned.changed:
            self.notify(f"{learned.person} already {learned.level} on {learned.component}: nothing written")
        else:
            self.notify(f"Recorded: {learned.person} {learned.level} on {learned.component} ({where})")
            self.recorded.append(learned)
            if self.on_recorded is not None:
                self.on_recorded()
        if self.tour is not None and self.tour.person == learned.person:
            self.tour = self.tour.with_learned(learned.component, learned.level)
            self._show(scroll=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark_learned":
            if self.atlas.read_only:
                return False  # hidden: read-only writes nothing
            return True if (self.person and self.stop is not None) else None
        if action == "pick_person":
            return bool(self.app.workspace is not None and self.app.workspace.catalog.people) or None
        return True


def _relative(file: str, workspace: Path) -> str:
    try:
        return str(Path(file).resolve().relative_to(Path(workspace).resolve()))
    except ValueError:
        return file


def _trail(tour: Tour, index: int, width: int = 110) -> str:
    """The stops around this one, `›` between them: where the tour comes from and goes."""
    stops = tour.stops
    before = [s.component for s in stops[max(0, index - 2):index]]
    after = [s.component for s in stops[index + 1:index + 4]]
    line = " › ".join([*before, f"[{stops[index].component}]", *after])
    if index > 2:
        line = "… " + line
    if index + 4 < len(stops):
        line += " …"
    return line if len(line) <= width else line[: width - 1] + "…"
