"""The action list: what to do next, in priority order, derived from failed readiness rules.

Priorities: 1 = now (support window closing, on-call not routed, no owner, no runbook on a
top risk or tier-1 component), 2 = soon (other runbooks, a second person who can debug,
missing signals, ownership still with the previous team), 3 = later (review or refresh a
runbook, start shadowing a component still planned). Within a priority: nearest due date,
then highest risk. Pure.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from atlas.catalog.model import Catalog
from atlas.handover.readiness import ComponentReadiness
from atlas.handover.risks import Risk

TOP_RISKS = 10  # components this high in the risk ranking get their runbook first
PLANNED_SOON_DAYS = 60  # a planned component whose support ends this soon: start now


@dataclass(slots=True)
class Action:
    priority: int  # 1 now, 2 soon, 3 later
    kind: str  # write-runbook | pair-before-support-ends | route-oncall | ...
    text: str  # one line a person can act on
    component: str  # the component ("" for a team-level action)
    owner: str  # the team that should do it
    components: list[str] = field(default_factory=list)  # every component it covers
    due: _dt.date | None = None
    days_left: int | None = None
    command: str = ""  # an atlas command that does or starts it
    risk: float = 0.0

    def to_json(self) -> dict:
        return {"priority": self.priority, "kind": self.kind, "text": self.text, "component": self.component,
                "components": list(self.components), "owner": self.owner,
                "due": self.due.isoformat() if self.due else None, "days_left": self.days_left,
                "command": self.command or None}


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _helper(catalog: Catalog, cid: str) -> str:
    """'lena (recs-core)' or 'recs-core': who on the previous team to learn from."""
    h = catalog.components[cid].handover
    if h is None:
        return ""
    if h.contact:
        return f"{h.contact} ({h.previous_owner})" if h.previous_owner else h.contact
    return h.previous_owner


def _window(catalog: Catalog, cid: str, today: _dt.date) -> tuple[str, _dt.date | None, int | None]:
    h = catalog.components[cid].handover
    if h is None or h.support_until is None:
        return "", None, None
    days = (h.support_until - today).days
    if days < 0:
        return f" (support ended {h.support_until.isoformat()}, {_days(-days)} ago)", h.support_until, days
    return f" before {h.support_until.isoformat()} ({_days(days)})", h.support_until, days


def plan_actions(catalog: Catalog, readiness: Mapping[str, ComponentReadiness], risks: list[Risk],
                 today: _dt.date, unowned: Sequence[tuple[str, str]] = ()) -> list[Action]:
    """`unowned`: (resource, why) pairs discovery found live but in no catalog component
    (`atlas discover --diff`): in a handover nothing gets dropped, so each is an action."""
    risk_of = {r.component: r.value for r in risks}
    top = {r.component for r in risks[:TOP_RISKS]}
    out: list[Action] = []
    no_oncall: dict[str, list[str]] = {}
    runbook_reviews: dict[str, list[str]] = {}

    for cid, r in readiness.items():
        comp = catalog.components[cid]
        failed = {rule.id: rule for rule in r.failed}
        risk = risk_of.get(cid, 0.0)

        def add(priority: int, kind: str, text: str, **kw) -> None:
            out.append(Action(priority, kind, text, cid, comp.owner, kw.pop("components", [cid]), risk=risk, **kw))

        if "owner" in failed:
            add(1, "assign-owner", f"Assign an owner team to {cid} ({failed['owner'].reason})",
                command=f"atlas whois {cid}")
        elif "oncall" in failed:
            team = catalog.teams[comp.owner]
            if not team.new_owner:
                add(2, "move-ownership", f"Move {cid} from {team.id} to a team taking the product over")
            else:
                no_oncall.setdefault(team.id, []).append(cid)

        if "runbook" in failed:
            where = "" if not comp.runbook else f" (declared {comp.runbook} is missing)"
            priority = 1 if (cid in top or comp.tier == 1) else 2
            add(priority, "write-runbook", f"Write the runbook for {cid}: atlas runbook new {cid}{where}",
                command=f"atlas runbook new {cid}")
        elif "runbook-fresh" in failed and comp.runbook:
            runbook_reviews.setdefault(comp.runbook, []).append(cid)

        if "support-window" in failed:
            window, due, days = _window(catalog, cid, today)
            helper = _helper(catalog, cid) or "the previous team"
            verb = "Pair with" if days is None or days >= 0 else "Ask for a last session with"
            add(1, "pair-before-support-ends", f"{verb} {helper} on {cid}{window}", due=due, days_left=days,
                command=f"atlas whois {cid}")
        elif "bus-factor" in failed:
            window, due, days = _window(catalog, cid, today)
            helper = _helper(catalog, cid)
            who = f"only {r.debuggers[0]} can" if r.debuggers else "nobody can yet"
            target = "a second person" if r.debuggers else "two people"
            with_whom = f" with {helper}" if helper and (days is None or days >= 0) else ""
            add(2, "train-second-person", f"Train {target} to debug {cid} ({who}){with_whom}{window}",
                due=due, days_left=days, command=f"atlas whois {cid}")

        if "signals" in failed:
            add(1 if comp.tier == 1 else 2, "add-signals", f"Add health signals to {cid} ({failed['signals'].reason})")

        h = comp.handover
        if "stage" in failed and h is not None and h.stage == "planned":
            window, due, days = _window(catalog, cid, today)
            helper = _helper(catalog, cid) or "the previous team"
            soon = days is not None and days < PLANNED_SOON_DAYS
            add(2 if soon else 3, "start-shadowing", f"Start shadowing {cid} with {helper}{window}",
                due=due, days_left=days)

    for team_id, cids in no_oncall.items():
        shown = ", ".join(cids[:3]) + (f" and {len(cids) - 3} more" if len(cids) > 3 else "")
        out.append(Action(1, "route-oncall", f"Route on-call for {team_id} (owns {shown})", "", team_id,
                          list(cids), risk=max(risk_of.get(c, 0.0) for c in cids)))

    for path, cids in runbook_reviews.items():
        reason = readiness[cids[0]].rule("runbook-fresh").reason
        detail = reason.split(" ", 1)[1] if reason.startswith(path) else reason
        users = ", ".join(cids[:3]) + (f" and {len(cids) - 3} more" if len(cids) > 3 else "")
        owner = catalog.components[cids[0]].owner
        out.append(Action(3, "review-runbook", f"Review and commit {path} ({detail}; used by {users})", cids[0],
                          owner, list(cids), risk=max(risk_of.get(c, 0.0) for c in cids)))

    for resource, why in unowned:
        out.append(Action(2, "claim-unowned", f"Claim or retire {resource}: {why}", resource, "",
                          [resource], command="atlas discover --gcp --diff"))

    far = _dt.date.max
    out.sort(key=lambda a: (a.priority, a.due or far, -round(a.risk, 6), a.component, a.kind))
    return out
