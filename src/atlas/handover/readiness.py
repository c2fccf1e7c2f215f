"""Handover readiness: is each component ready to be owned by the new team?

A score from 0 to 100 per component, the sum of named rules. Each rule passes or fails
with a reason a person can read, and earns its weight when it passes (stage progress
earns part of it). The weights:

    owner           10  an owner team is set and declared
    oncall          15  the owner team is a new-owner team (team.new_owner) with on-call routed
    runbook         25  a runbook is declared and the file exists
    runbook-fresh   10  the runbook was committed to git in the last 180 days (a file that
                        was never committed, a draft nobody reviewed, earns half)
    signals         10  health signals are declared for the component
    bus-factor      15  at least two people of the new teams can debug it (can-debug or expert);
                        partial: half for up to two who can debug, half for up to two who can
                        at least operate it (one person alone earns at most a quarter)
    support-window  10  the previous team's support does not end within 30 days while
                        knowledge is low (fewer than two people who can debug it)
    stage            5  transition stage: planned 0, shadowing 1/3, reverse-shadowing 2/3, owned all

A system's score is the mean of its components' scores. Pure: the facts that need I/O
(does the runbook file exist, when was it last committed) come in as `RunbookFile`s
(see `atlas.handover.history`), and `today` is a parameter.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from atlas.catalog.model import KNOWLEDGE_LEVELS, STAGES, Catalog, Component

WEIGHTS: dict[str, int] = {
    "owner": 10,
    "oncall": 15,
    "runbook": 25,
    "runbook-fresh": 10,
    "signals": 10,
    "bus-factor": 15,
    "support-window": 10,
    "stage": 5,
}
TITLES: dict[str, str] = {
    "owner": "owner set",
    "oncall": "on-call routed to the new team",
    "runbook": "runbook present",
    "runbook-fresh": "runbook recently touched",
    "signals": "health signals declared",
    "bus-factor": "two people can debug it",
    "support-window": "support window vs knowledge",
    "stage": "transition stage",
}
STALE_AFTER_DAYS = 180
SUPPORT_WARNING_DAYS = 30
BUS_FACTOR = 2
DEBUG_LEVELS = frozenset(KNOWLEDGE_LEVELS[KNOWLEDGE_LEVELS.index("can-debug"):])
OPERATE_LEVELS = frozenset(KNOWLEDGE_LEVELS[KNOWLEDGE_LEVELS.index("can-operate"):])


@dataclass(frozen=True, slots=True)
class RunbookFile:
    """What the workspace says about one runbook path."""

    exists: bool
    committed_at: float | None = None  # unix time of the last commit touching it; None = never
    note: str = ""  # why there is no history ("not a git repository", "git not found")


@dataclass(frozen=True, slots=True)
class RuleResult:
    id: str
    title: str
    weight: int
    earned: float
    passed: bool
    reason: str

    def to_json(self) -> dict:
        return {"rule": self.id, "title": self.title, "weight": self.weight,
                "earned": round(self.earned, 1), "passed": self.passed, "reason": self.reason}


@dataclass(slots=True)
class ComponentReadiness:
    component: str
    system: str
    owner: str
    tier: int
    score: int
    rules: list[RuleResult]
    # facts the risk ranking and the action list reuse
    debuggers: list[str] = field(default_factory=list)  # new-team people at can-debug+, strongest first
    support_days_left: int | None = None

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if not r.passed]

    def rule(self, rule_id: str) -> RuleResult:
        return next(r for r in self.rules if r.id == rule_id)

    def to_json(self) -> dict:
        return {"component": self.component, "system": self.system, "owner": self.owner,
                "tier": self.tier, "score": self.score, "rules": [r.to_json() for r in self.rules]}


@dataclass(slots=True)
class SystemReadiness:
    system: str
    name: str
    order: int
    score: int  # mean of its components
    components: list[str]
    rules_passed: int
    rules_total: int
    weakest: str  # lowest-scoring component ("" when none)

    def to_json(self) -> dict:
        return {"system": self.system, "name": self.name, "score": self.score,
                "components": len(self.components), "rules_passed": self.rules_passed,
                "rules_total": self.rules_total, "weakest": self.weakest}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(ids: list[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def new_team_knowledge(catalog: Catalog, component: Component) -> list[tuple[str, str]]:
    """(person, level) of the people who will stay, strongest first.

    People of a team marked `new_owner = false` (the previous owners) do not count: they
    leave when the support window closes.
    """
    handover = component.handover
    if handover is None:
        return []
    out = []
    for person, level in handover.knowledge.items():
        team = catalog.teams.get(catalog.people[person].team) if person in catalog.people else None
        if team is not None and not team.new_owner:
            continue
        out.append((person, level))
    rank = {lvl: i for i, lvl in enumerate(KNOWLEDGE_LEVELS)}
    out.sort(key=lambda pl: (-rank.get(pl[1], -1), pl[0]))
    return out


def _rule(rule_id: str, passed: bool, reason: str, fraction: float | None = None) -> RuleResult:
    weight = WEIGHTS[rule_id]
    earned = weight * (fraction if fraction is not None else (1.0 if passed else 0.0))
    return RuleResult(rule_id, TITLES[rule_id], weight, earned, passed, reason)


def _owner_rules(catalog: Catalog, c: Component) -> list[RuleResult]:
    team = catalog.teams.get(c.owner) if c.owner else None
    if not c.owner:
        owner = _rule("owner", False, "no owner team set")
        oncall = _rule("oncall", False, "no owner team to route on-call to")
        return [owner, oncall]
    if team is None:
        return [_rule("owner", False, f"owner {c.owner} is not a declared team"),
                _rule("oncall", False, f"owner {c.owner} is not a declared team")]
    owner = _rule("owner", True, f"owned by {team.id}")
    if not team.new_owner:
        oncall = _rule("oncall", False, f"{team.id} is the previous team (new_owner = false): move ownership")
    elif not team.oncall:
        oncall = _rule("oncall", False, f"{team.id} has no on-call reference")
    else:
        oncall = _rule("oncall", True, f"pages {team.id} ({team.oncall})")
    return [owner, oncall]


def _runbook_rules(c: Component, runbooks: Mapping[str, RunbookFile], today: _dt.date) -> list[RuleResult]:
    if not c.runbook:
        return [_rule("runbook", False, "no runbook declared"),
                _rule("runbook-fresh", False, "no runbook to keep fresh")]
    facts = runbooks.get(c.runbook, RunbookFile(exists=False))
    if not facts.exists:
        return [_rule("runbook", False, f"{c.runbook} is declared but missing"),
                _rule("runbook-fresh", False, f"{c.runbook} does not exist")]
    present = _rule("runbook", True, f"{c.runbook} exists")
    if facts.committed_at is None:
        why = f" ({facts.note})" if facts.note else ""
        return [present, _rule("runbook-fresh", False, f"{c.runbook} never committed{why}", fraction=0.5)]
    touched = _dt.datetime.fromtimestamp(facts.committed_at, tz=_dt.timezone.utc).date()
    age = (today - touched).days
    when = f"last committed {touched.isoformat()} ({_plural(max(age, 0), 'day')} ago)"
    if age > STALE_AFTER_DAYS:
        return [present, _rule("runbook-fresh", False, f"stale: {when}, over {STALE_AFTER_DAYS} days")]
    return [present, _rule("runbook-fresh", True, when)]


def _signals_rule(catalog: Catalog, c: Component) -> RuleResult:
    signals = catalog.signals_for(c)
    if not signals:
        why = "its signals list is empty" if c.signals is not None else f"no signal template for kind {c.kind}"
        return _rule("signals", False, why)
    return _rule("signals", True, f"{_plural(len(signals), 'signal')}: {', '.join(s.id for s in signals)}")


def _bus_factor_rule(knowledge: list[tuple[str, str]], debuggers: list[str]) -> RuleResult:
    # Half the weight for people who can debug it, half for people who can at least
    # operate it, counting up to two of each: one expert alone earns a quarter.
    operators = [p for p, lvl in knowledge if lvl in OPERATE_LEVELS]
    fraction = (min(len(debuggers), BUS_FACTOR) + min(len(operators), BUS_FACTOR)) / (2 * BUS_FACTOR)
    if len(debuggers) >= BUS_FACTOR:
        return _rule("bus-factor", True, f"{_names(debuggers)} can debug it")
    others = [f"{p} {lvl}" for p, lvl in knowledge if p not in debuggers]
    rest = f"; also {', '.join(others)}" if others else ""
    if len(knowledge) == 1:
        person, level = knowledge[0]
        return _rule("bus-factor", False, f"known by one person only: {person} ({level})", fraction)
    if debuggers:
        return _rule("bus-factor", False, f"only {debuggers[0]} can debug it{rest}", fraction)
    if knowledge:
        return _rule("bus-factor", False, f"nobody can debug it{rest}", fraction)
    return _rule("bus-factor", False, "nobody on the new teams knows it", 0.0)


def _support_rule(c: Component, debuggers: list[str], today: _dt.date) -> tuple[RuleResult, int | None]:
    h = c.handover
    if h is None or not h.previous_owner:
        return _rule("support-window", True, "no previous team to depend on"), None
    if h.support_until is None:
        return _rule("support-window", True, f"{h.previous_owner} support has no end date"), None
    days = (h.support_until - today).days
    until = h.support_until.isoformat()
    when = f"ends {until} ({_plural(days, 'day')})" if days >= 0 else f"ended {until} ({_plural(-days, 'day')} ago)"
    low = len(debuggers) < BUS_FACTOR
    if days < SUPPORT_WARNING_DAYS and low:
        who = f"only {debuggers[0]} can debug it" if debuggers else "nobody can debug it"
        return _rule("support-window", False, f"{h.previous_owner} support {when} and {who}"), days
    if days < SUPPORT_WARNING_DAYS:
        return _rule("support-window", True, f"{h.previous_owner} support {when}; {_names(debuggers)} can debug it"), days
    return _rule("support-window", True, f"{h.previous_owner} support {when}"), days


def _stage_rule(c: Component) -> RuleResult:
    h = c.handover
    if h is None or not (h.previous_owner or h.support_until or h.contact):
        # a knowledge table alone (people recording what they learned) is no transfer
        return _rule("stage", True, "no handover in progress: owned as is")
    stage = h.stage if h.stage in STAGES else STAGES[0]
    step = STAGES.index(stage)
    last = len(STAGES) - 1
    if step == last:
        return _rule("stage", True, "owned")
    return _rule("stage", False, f"{stage} (step {step + 1} of {last + 1})", fraction=step / last)


def assess_component(catalog: Catalog, component: Component, runbooks: Mapping[str, RunbookFile],
                     today: _dt.date) -> ComponentReadiness:
    knowledge = new_team_knowledge(catalog, component)
    debuggers = [p for p, lvl in knowledge if lvl in DEBUG_LEVELS]
    support, days_left = _support_rule(component, debuggers, today)
    rules = [
        *_owner_rules(catalog, component),
        *_runbook_rules(component, runbooks, today),
        _signals_rule(catalog, component),
        _bus_factor_rule(knowledge, debuggers),
        support,
        _stage_rule(component),
    ]
    score = round(sum(r.earned for r in rules))
    return ComponentReadiness(component.id, component.system, component.owner, component.tier, score, rules,
                              debuggers=debuggers, support_days_left=days_left)


def assess(catalog: Catalog, runbooks: Mapping[str, RunbookFile], today: _dt.date,
           component_ids: Iterable[str] | None = None) -> dict[str, ComponentReadiness]:
    """Readiness of every component (or the given ones), in catalog order."""
    ids = list(catalog.components) if component_ids is None else list(component_ids)
    return {cid: assess_component(catalog, catalog.components[cid], runbooks, today) for cid in ids}


def system_readiness(catalog: Catalog, readiness: Mapping[str, ComponentReadiness]) -> list[SystemReadiness]:
    """Per system (data-flow order), the mean of its components' scores; systems without
    assessed components are left out. Components without a system group under ""."""
    members: dict[str, list[ComponentReadiness]] = {}
    for r in readiness.values():
        members.setdefault(r.system, []).append(r)
    out = []
    for sid, rows in members.items():
        system = catalog.systems.get(sid)
        weakest = min(rows, key=lambda r: (r.score, r.tier, r.component))
        out.append(SystemReadiness(
            system=sid,
            name=system.name if system and system.name else (sid or "(no system)"),
            order=system.order if system else 1 << 30,
            score=round(sum(r.score for r in rows) / len(rows)),
            components=[r.component for r in rows],
            rules_passed=sum(1 for r in rows for rule in r.rules if rule.passed),
            rules_total=sum(len(r.rules) for r in rows),
            weakest=weakest.component,
        ))
    out.sort(key=lambda s: (s.order, s.system))
    return out


__all__ = [
    "BUS_FACTOR", "ComponentReadiness", "RuleResult", "RunbookFile", "STALE_AFTER_DAYS",
    "SUPPORT_WARNING_DAYS", "SystemReadiness", "TITLES", "WEIGHTS", "assess", "assess_component",
    "new_team_knowledge", "system_readiness",
]
