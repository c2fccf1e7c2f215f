"""The handover's risk list: one row per component, the risks worst first and then the ready
ones by id, filtered by words (id, owner team, system, stage); narrow terminals drop the
least useful columns. Under it, the highlighted component's rank and failing rules."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from atlas.handover.issues import IssueReport
from atlas.handover.plan import HandoverPlan
from atlas.tui.handover import text as words

COLUMNS = ("component", "why it ranks here", "owner", "stage", "support until", "score", "bus", "issues", "gaps")
# Narrow terminals drop the least useful columns first; component, why, score and gaps stay.
# (the why already says when a support window closes, so its date goes early)
DROP_ORDER = ("bus", "stage", "support until", "issues", "owner")


def columns_for(width: int) -> tuple[str, ...]:
    need = {"component": 23, "why it ranks here": 44, "owner": 16, "stage": 7, "support until": 17,
            "score": 5, "bus": 3, "issues": 9, "gaps": 16}
    shown = list(COLUMNS)
    for column in DROP_ORDER:
        if sum(need[c] + 2 for c in shown) <= width:
            break
        shown.remove(column)
    return tuple(shown)


def matches(plan: HandoverPlan, component_id: str, words_: list[str]) -> bool:
    """Each word a substring of the id, owner team (id or name), system or stage."""
    catalog = plan.catalog
    component = catalog.components[component_id]
    team = catalog.teams.get(component.owner)
    hay = " ".join((component_id, component.owner, team.name if team else "", component.system,
                    words.stage_of(catalog, component_id))).lower()
    return all(w in hay for w in words_)


def ordered(plan: HandoverPlan) -> list[str]:
    """Every component: the risks worst first, then the ready ones by id."""
    ranked = [r.component for r in plan.risks]
    seen = set(ranked)
    return ranked + sorted(cid for cid in plan.readiness if cid not in seen)


class RiskTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown_columns: tuple[str, ...] = ()

    def show(self, plan: HandoverPlan, filter_words: list[str], width: int, issues: IssueReport | None,
             issues_loading: bool, issues_failed: str) -> None:
        """Refill with the components that match; the highlighted one stays highlighted."""
        current = self.cursor_id
        columns = columns_for(width)
        if columns != self.shown_columns:
            self.clear(columns=True)
            self.add_columns(*columns)
            self.shown_columns = columns
        else:
            self.clear()
        for cid in ordered(plan):
            if not matches(plan, cid, filter_words):
                continue
            r = plan.readiness[cid]
            mine = None
            if issues is not None and not issues.skipped and not issues_failed:
                mine = issues.for_component(cid)
            risk = plan.risk_of(cid)
            cells = {
                "component": Text(cid, style="bold"),
                "why it ranks here": words.why_cell(risk, 44),
                "owner": r.owner or Text("nobody", style="bold red"),
                "stage": words.STAGE_SHORT.get(words.stage_of(plan.catalog, cid), ""),
                "support until": words.support_cell(plan, cid),
                "score": Text(f"{r.score:>3}", style=words.score_style(r.score)),
                "bus": words.bus_cell(r),
                "issues": words.issues_cell(mine, issues_loading),
                "gaps": words.gaps_cell(r),
            }
            self.add_row(*(cells[c] for c in columns), key=cid)
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    @property
    def cursor_id(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # an empty or just-cleared table has no cursor row
            return None


def highlighted(plan: HandoverPlan | None, component_id: str | None, filtering: bool, width: int) -> Text:
    """The two lines under the list: the component's rank and risk, then its failing rules."""
    if plan is None or component_id is None or component_id not in plan.readiness:
        return Text("no component matches the filter" if filtering else "", style="dim")
    r = plan.readiness[component_id]
    risk = plan.risk_of(component_id)
    first = Text()
    if risk is not None:
        first.append(f"#{plan.risks.index(risk) + 1} ", style="dim")
    first.append(component_id, style="bold")
    if risk is not None:
        first.append(f" risk {risk.value:.1f}: {risk.why}", style="dim")
        if not plan.health_read:
            first.append(" (health not read yet)", style="dim italic")
    if not r.failed:
        first.append("  every readiness rule passes", style="green")
    second = Text()
    for rule in r.failed:
        second.append("✖ ", style="red")
        second.append(f"{rule.reason}  ", style="italic")
    first.truncate(width, overflow="ellipsis")
    second.truncate(width, overflow="ellipsis")
    return Text("\n").join([first, second])
