"""The handover plan: readiness, risks, actions and open issues, for the whole product or
one team. What `atlas handover` prints and the TUI's Handover screen shows.

    plan = build_plan(catalog, today=date.today())                    # git history read here
    plan = build_plan(catalog, today=..., runbooks={...}, issues=report)   # no I/O at all
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from atlas.catalog.model import Catalog
from atlas.catalog.validate import closest
from atlas.handover.actions import Action, plan_actions
from atlas.handover.issues import IssueReport
from atlas.handover.readiness import (
    BUS_FACTOR,
    ComponentReadiness,
    RunbookFile,
    SystemReadiness,
    assess,
    new_team_knowledge,
    system_readiness,
)
from atlas.handover.risks import Risk, blast_sizes, rank_risks


class UnknownTeamError(LookupError):
    def __init__(self, team_id: str, suggestion: str | None):
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        super().__init__(f"unknown team {team_id!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(slots=True)
class TeamSummary:
    team: str
    name: str
    score: int
    components: list[str]
    oncall: str
    actions: int
    urgent: int  # priority-1 actions

    def to_json(self) -> dict:
        return {"team": self.team, "name": self.name, "score": self.score, "components": list(self.components),
                "oncall": self.oncall or None, "actions": self.actions, "urgent_actions": self.urgent}


@dataclass(slots=True)
class HandoverPlan:
    catalog: Catalog
    today: _dt.date
    team: str | None
    readiness: dict[str, ComponentReadiness]
    systems: list[SystemReadiness]
    risks: list[Risk]
    actions: list[Action]
    teams: list[TeamSummary]
    issues: IssueReport | None = None
    blast: dict[str, int] = field(default_factory=dict)
    health_read: bool = False  # risks counted what fails now (statuses were passed)

    @property
    def score(self) -> int:
        rows = list(self.readiness.values())
        return round(sum(r.score for r in rows) / len(rows)) if rows else 100

    def risk_of(self, component_id: str) -> Risk | None:
        return next((r for r in self.risks if r.component == component_id), None)

    # The gaps a lead asks about first.
    def without_runbook(self) -> list[str]:
        return [cid for cid, r in self.readiness.items() if not r.rule("runbook").passed]

    def single_person(self) -> list[str]:
        """Components at most one person of the new teams knows (at any level)."""
        components = self.catalog.components
        return [cid for cid in self.readiness if len(new_team_knowledge(self.catalog, components[cid])) <= 1]

    def thin_debuggers(self) -> list[str]:
        return [cid for cid, r in self.readiness.items() if len(r.debuggers) < BUS_FACTOR]

    def closing_windows(self, days: int = 30) -> list[tuple[str, _dt.date, int]]:
        out = []
        for cid, r in self.readiness.items():
            h = self.catalog.components[cid].handover
            if r.support_days_left is not None and r.support_days_left < days and h and h.support_until:
                out.append((cid, h.support_until, r.support_days_left))
        return sorted(out, key=lambda x: (x[2], x[0]))

    def teams_without_oncall(self) -> list[str]:
        return [t.team for t in self.teams if not t.oncall]


def _team_summaries(catalog: Catalog, readiness: Mapping[str, ComponentReadiness],
                    actions: list[Action]) -> list[TeamSummary]:
    by_team: dict[str, list[ComponentReadiness]] = {}
    for r in readiness.values():
        by_team.setdefault(r.owner, []).append(r)
    out = []
    for tid, rows in by_team.items():
        team = catalog.teams.get(tid)
        mine = [a for a in actions if a.owner == tid]
        out.append(TeamSummary(tid, team.name if team and team.name else (tid or "(no owner)"),
                               round(sum(r.score for r in rows) / len(rows)), [r.component for r in rows],
                               team.oncall if team else "", len(mine), sum(1 for a in mine if a.priority == 1)))
    out.sort(key=lambda t: (t.score, t.team))
    return out


def check_team(catalog: Catalog, team_id: str) -> None:
    if team_id not in catalog.teams:
        raise UnknownTeamError(team_id, closest(team_id, catalog.teams))


def build_plan(catalog: Catalog, graph=None, *, today: _dt.date, team: str | None = None,
               runbooks: Mapping[str, RunbookFile] | None = None, issues: IssueReport | None = None,
               unowned: Sequence[tuple[str, str]] = (),
               statuses: Mapping[str, str] | None = None) -> HandoverPlan:
    """The plan for the catalog (or the components `team` owns). `runbooks=None` reads the
    workspace and git history (`atlas.handover.history`); pass them to stay pure. `unowned`:
    (resource, why) for live resources no component declares (discovery's drift), each an
    action: "nothing gets dropped" means these are found and claimed.
    `statuses` (id -> "CRIT"...) from a health refresh ranks what fails now higher."""
    if graph is None:
        from atlas.graph import CatalogGraph

        graph = CatalogGraph(catalog)
    if team is not None:
        check_team(catalog, team)
    ids = [cid for cid, c in catalog.components.items() if team is None or c.owner == team]
    if runbooks is None:
        from atlas.handover.history import inspect_runbooks

        runbooks = inspect_runbooks(catalog, ids)
    readiness = assess(catalog, runbooks, today, ids)
    every = blast_sizes(graph, catalog.components)
    blast = {cid: every[cid] for cid in ids}
    # risk values stay comparable between a team's plan and the whole product's
    risks = rank_risks(readiness, blast, largest_blast=max(every.values(), default=0), statuses=statuses)
    actions = plan_actions(catalog, readiness, risks, today, unowned=unowned)
    return HandoverPlan(catalog, today, team, readiness, system_readiness(catalog, readiness), risks, actions,
                        _team_summaries(catalog, readiness, actions), issues, blast, statuses is not None)
