"""The catalog's main list: components grouped by system, as a virtual list.

Only the visible lines are rendered (a `ScrollView` with `render_line` and a line cache), so
10,000 components cost the same per frame as 40. DataTable would measure every cell first.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from atlas.catalog.model import Catalog
from atlas.health.model import Status
from atlas.tui.filtering import ComponentFilter
from atlas.tui.health_view import HealthView
from atlas.tui.status import BADGE_WIDTH, COLOUR, GLYPH, ORDER, WORD

_STYLE = {status: Style.parse(colour) for status, colour in COLOUR.items()}
_DIM = Style.parse("grey62")
_GROUP = Style.parse("bold")
_STALE = Style(italic=True)


@dataclass(slots=True)
class Group:
    """One system's components, in data-flow order."""

    id: str
    title: str
    component_ids: list[str]
    notes: dict[str, str] | None = None  # id -> the text shown in place of the reason


@dataclass(slots=True, frozen=True)
class Row:
    group: str
    component: str | None = None  # None = the group's header line


class ComponentList(ScrollView, can_focus=True):
    """Rows of `status id kind owner reason`, under collapsible system headers."""

    DEFAULT_CSS = """
    ComponentList { overflow-x: hidden; }
    ComponentList > .component-list--cursor { background: $accent 40%; text-style: bold; }
    ComponentList:focus > .component-list--cursor { background: $accent 70%; }
    """
    COMPONENT_CLASSES = {"component-list--cursor"}
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "up", show=False, id="list.up"),
        Binding("down,j", "cursor(1)", "down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "page down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "first", show=False, id="list.first"),
        Binding("end", "jump(-1)", "last", show=False, id="list.last"),
        Binding("enter", "choose", "open", id="list.open"),
        Binding("space", "toggle_group", "fold", id="list.fold"),
        Binding("left", "fold(True)", "collapse", show=False, id="list.collapse"),
        Binding("right", "fold(False)", "expand", show=False, id="list.expand"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to a row (component_id None on a group header)."""

        def __init__(self, component_id: str | None) -> None:
            super().__init__()
            self.component_id = component_id

    class Chosen(Message):
        """Enter on a component row."""

        def __init__(self, component_id: str) -> None:
            super().__init__()
            self.component_id = component_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog: Catalog | None = None
        self.health = HealthView()
        self.groups: list[Group] = []
        self.filter = ComponentFilter(())
        self.collapsed: set[str] = set()
        self.rows: list[Row] = []
        self._match_counts: dict[str, int] = {}
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._widths = (20, 16, 12)

    # ---- data -------------------------------------------------------------------------

    def show(self, catalog: Catalog, groups: list[Group], health: HealthView) -> None:
        first_show = self.catalog is None
        self.catalog, self.groups, self.health = catalog, groups, health
        comps = catalog.components.values()
        self._widths = (
            min(36, max((len(c.id) for c in comps), default=10)),
            min(24, max((len(c.kind) for c in comps), default=8)),
            min(20, max((len(c.owner) for c in comps), default=8)),
        )
        self._rebuild()
        if first_show:
            self.cursor = self._first_component_row()

    def set_filter(self, component_filter: ComponentFilter) -> None:
        self.filter = component_filter
        self._rebuild()
        self.cursor = self._first_component_row()

    def health_changed(self, health: HealthView) -> None:
        self.health = health
        if self.filter and any(t.field in ("status", "") for t in self.filter.terms):
            self._rebuild()  # a status filter's matches move with health
        else:
            self._cache.clear()
            self.refresh()

    def _rebuild(self) -> None:
        current = self.current_row
        rows: list[Row] = []
        self._match_counts = {}
        catalog = self.catalog
        for group in self.groups:
            ids = group.component_ids
            if self.filter and group.notes is not None:
                continue  # a filter looks for components: each once, in its system
            if self.filter and catalog is not None:
                ids = [
                    cid
                    for cid in ids
                    if self.filter.matches(catalog.components[cid], catalog, self.health.status(cid))
                ]
                if not ids:
                    continue
            self._match_counts[group.id] = len(ids)
            rows.append(Row(group.id))
            if group.id not in self.collapsed:
                rows.extend(Row(group.id, cid) for cid in ids)
        self.rows = rows
        self._cache.clear()
        self.virtual_size = Size(max(1, self.scrollable_content_region.width), len(rows))
        if current in rows:
            self.cursor = rows.index(current)
        else:
            self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.refresh()

    @property
    def current_row(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def current_component(self) -> str | None:
        row = self.current_row
        return row.component if row else None

    def select_component(self, component_id: str) -> bool:
        for index, row in enumerate(self.rows):
            if row.component == component_id:
                self.cursor = index
                return True
        return False

    def _first_component_row(self) -> int:
        for index, row in enumerate(self.rows):
            if row.component is not None:
                return index
        return 0

    # ---- keys -------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, x_axis=False, immediate=True)
        self.post_message(self.Highlighted(self.current_component))

    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor = index % len(self.rows)

    def action_choose(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.component is None:
            self.action_toggle_group()
        else:
            self.post_message(self.Chosen(row.component))

    def action_toggle_group(self) -> None:
        row = self.current_row
        if row is not None:
            self.action_fold(row.group not in self.collapsed)

    def action_fold(self, collapse: bool) -> None:
        row = self.current_row
        if row is None:
            return
        if collapse:
            self.collapsed.add(row.group)
        else:
            self.collapsed.discard(row.group)
        self._rebuild()
        if collapse:  # keep the cursor on the header that was folded
            self.cursor = self.rows.index(Row(row.group))

    def on_click(self, event: Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.rows):
            if index == self.cursor:
                self.action_choose()
            self.cursor = index

    def on_resize(self, event: Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(max(1, self.scrollable_content_region.width), len(self.rows))

    # ---- drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        if index == self.cursor:  # drawn on the cursor's background, never cached
            cursor = self.rich_style + self.get_component_rich_style("component-list--cursor")
            return self._render_row(self.rows[index], width, cursor)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_row(self.rows[index], width, self.rich_style)
            self._cache[index] = strip
        return strip

    def _render_row(self, row: Row, width: int, base: Style) -> Strip:
        if row.component is None:
            segments = self._group_segments(row)
        else:
            group = self._group(row.group)
            note = group.notes.get(row.component) if group is not None and group.notes else None
            segments = self._component_segments(row.component, note)
        return Strip(segments).apply_style(base).adjust_cell_length(width, base)

    def _group_segments(self, row: Row) -> list[Segment]:
        assert self.catalog is not None
        group = next(g for g in self.groups if g.id == row.group)
        system = self.catalog.systems.get(group.id)
        marker = "▶" if group.id in self.collapsed else "▼"
        total = len(group.component_ids)
        shown = self._match_counts.get(group.id, total)
        count = f"{total} components" if shown == total else f"{shown} of {total} match"
        if group.notes is not None:  # the incident: its title says it all, in red
            return [Segment(f"{marker} {group.title}", _STYLE[Status.CRIT])]
        segments = [Segment(f"{marker} {group.title}", _GROUP)]
        if system and system.owner:
            segments.append(Segment(f"  {system.owner}", _DIM))
        segments.append(Segment(f"  {count}  ", _DIM))
        counts = self.health.counts(group.component_ids)
        bad = [s for s in ORDER if s not in (Status.OK, Status.NO_DATA) and counts.get(s)]
        for status in bad:
            segments.append(Segment(f"{GLYPH[status]} {counts[status]} {WORD[status]}  ", _STYLE[status]))
        if not bad and counts.get(Status.OK) == total:
            segments.append(Segment(f"{GLYPH[Status.OK]} all OK", _STYLE[Status.OK]))
        return segments

    def _group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def _component_segments(self, component_id: str, note: str | None = None) -> list[Segment]:
        assert self.catalog is not None
        component = self.catalog.components[component_id]
        status = self.health.status(component_id)
        stale = self.health.stale
        id_w, kind_w, owner_w = self._widths
        width = self.scrollable_content_region.width
        word = f"{GLYPH[status]} {WORD[status]}{'~' if stale else ''}"
        segments = [
            Segment("  "),
            Segment(word.ljust(BADGE_WIDTH + 2), _STYLE[status] + _STALE if stale else _STYLE[status]),
            Segment(" " + _fit(component.id, id_w), _GROUP),
        ]
        # narrow terminals keep status, id and reason; kind and owner go first
        if width >= 100 and note is None:  # incident rows give the kind's room to the why
            segments.append(Segment("  " + _fit(component.kind, kind_w)))
        if width >= 80:
            segments.append(Segment("  " + _fit(component.owner, owner_w), _DIM))
        if note is not None:
            segments.append(Segment("  " + note))
        elif status is not Status.OK:
            segments.append(Segment("  " + self.health.reason(component_id), _DIM))
        return segments


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
