"""Catalog: what is failing now on top (causes first, with how long), then every component
grouped by system in data-flow order, filterable with `/`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from atlas.tui.filtering import ComponentFilter, best_match
from atlas.tui.incident import INCIDENT, incident
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar
from atlas.tui.widgets.component_list import ComponentList, Group

NO_SYSTEM = "(no system)"
FILTER_HINT = "filter: ranker  crit  owner:feature-eng  kind:dataflow  system:serving"


def system_groups(workspace) -> list[Group]:
    """Systems in their `order`, each holding its components in data-flow order."""
    catalog = workspace.catalog
    try:
        order = workspace.order  # without the graph (networkx): the first frame needs only this
    except Exception:  # a cycle: the loader reported it; fall back to ids
        order = sorted(catalog.components)
    seen = set(order)
    order += sorted(cid for cid in catalog.components if cid not in seen)
    by_system: dict[str, list[str]] = {}
    for cid in order:
        component = catalog.components.get(cid)
        if component is not None:
            key = component.system if component.system in catalog.systems else NO_SYSTEM
            by_system.setdefault(key, []).append(cid)
    systems = sorted(catalog.systems.values(), key=lambda s: (s.order, s.id))
    groups = [Group(s.id, s.name or s.id, by_system[s.id]) for s in systems if s.id in by_system]
    if NO_SYSTEM in by_system:
        groups.append(Group(NO_SYSTEM, NO_SYSTEM, by_system[NO_SYSTEM]))
    return groups


def with_incident(groups: list[Group], health) -> list[Group]:
    """The systems, under a "Failing now" group when anything is (causes first)."""
    now = incident(health)
    if not now.ids:
        return groups
    return [Group(INCIDENT, now.title, now.ids, notes=now.notes), *groups]


class CatalogScreen(AtlasScreen):
    TITLE = "Catalog"
    HELP = ("What is failing now (causes first), then every component by system in data-flow order. "
            "enter opens one; / filters; b blast radius.")
    BINDINGS = [
        Binding("slash", "filter", "filter", id="catalog.filter", key_display="/"),
        Binding("escape", "back", "back/clear", id="screen.back"),
    ]

    def compose(self) -> ComposeResult:
        self._systems: list[Group] = []
        yield self.header()
        yield Static("Loading the catalog…", id="catalog-message")
        yield ComponentList(id="components")
        yield Static("", id="component-summary")
        yield KeyBar()

    @property
    def component_list(self) -> ComponentList:
        return self.query_one(ComponentList)

    def workspace_ready(self) -> None:
        workspace = self.app.workspace
        message = self.query_one("#catalog-message", Static)
        if not workspace.catalog.components:
            # the toast with the loading error fades: the reason stays here
            problems = workspace.error_lines()
            why = f" First problem: {problems[0]} (atlas lint lists them all)." if problems else ""
            message.update(f"No components in {workspace.catalog.root}.{why} See docs/catalog-format.md.")
            return
        message.display = False
        components = self.component_list
        self._systems = system_groups(workspace)
        components.show(workspace.catalog, with_incident(self._systems, self.atlas.health), self.atlas.health)
        components.focus()
        if self.app.focus_id:
            components.select_component(self.app.focus_id)

    def health_changed(self) -> None:
        components = self.component_list
        health = self.atlas.health
        if components.catalog is not None and not health.refreshing:
            had = bool(components.groups) and components.groups[0].id == INCIDENT
            untouched = components.cursor == components._first_component_row()
            components.show(components.catalog, with_incident(self._systems, health), health)
            if not had and untouched and components.groups and components.groups[0].id == INCIDENT:
                components.cursor = components._first_component_row()  # lead with the top cause
        components.health_changed(health)
        self._summarise(components.current_component)

    def on_component_list_highlighted(self, message: ComponentList.Highlighted) -> None:
        if message.component_id:
            self.app.focus_id = message.component_id
        self._summarise(message.component_id)

    def on_component_list_chosen(self, message: ComponentList.Chosen) -> None:
        self.app.open_component(message.component_id)

    def _summarise(self, component_id: str | None) -> None:
        summary = self.query_one("#component-summary", Static)
        workspace = self.app.workspace
        if not component_id or workspace is None:
            summary.update("", layout=False)
            return
        summary.update(status_line(workspace.catalog, component_id, self.size.width - 2), layout=False)

    # ---- the filter -------------------------------------------------------------------

    def _filter_box(self) -> Input | None:
        found = self.query("#filter")
        return found.first(Input) if found else None

    async def action_filter(self) -> None:
        box = self._filter_box()
        if box is None:  # built on first use: the first frame does not pay for an Input
            box = Input(placeholder=FILTER_HINT, id="filter")
            # awaited: the keys typed right after `/` must reach the box, not the app
            # (on a busy machine `r` would otherwise open the runbook)
            await self.mount(box, before=self.query_one("#catalog-message"))
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.component_list.set_filter(ComponentFilter.parse(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter: open the best match (the only one, or the service on the request path)."""
        components = self.component_list
        components.focus()
        matches = [row.component for row in components.rows if row.component]
        if not matches or not event.value.strip() or self.app.workspace is None:
            return
        catalog = self.app.workspace.catalog
        best = best_match([catalog.components[m] for m in matches if m in catalog.components])
        if best is not None:
            components.select_component(best.id)
            self.app.open_component(best.id)

    def action_back(self) -> None:
        box = self._filter_box()
        if box is not None and (box.display or box.value):
            box.value = ""
            box.display = False
            self.component_list.set_filter(ComponentFilter(()))
            self.component_list.focus()
            return
        self.app.back()


def status_line(catalog, component_id: str, width: int) -> Text:
    """`id · owner · chat · on-call · description`: who to call always fits (on a narrow
    terminal without the id, which the highlighted row shows, and the "on-call" word); the
    description takes what is left (one fixed-height line: no layout pass per cursor move)."""
    component = catalog.components[component_id]
    team = catalog.teams.get(component.owner)
    owner = component.owner or "no owner"
    chat = (team.chat or "no chat") if team is not None else ""
    oncall = (team.oncall or "none recorded") if team is not None else ""
    text = Text.assemble((component_id, "bold"), " · ", (owner, "bold"))
    if team is not None:
        text.append(f" · {chat} · on-call {oncall}")
    if text.cell_len > width:
        text = Text.assemble((owner, "bold"))
        if team is not None:
            text.append(f" · {chat} · {oncall}")
    room = width - text.cell_len - 3
    description = component.description or "(no description)"
    if room >= 8:
        cut = description if len(description) <= room else description[: room - 1] + "…"
        text.append(f" · {cut}", style="dim")
    return text
