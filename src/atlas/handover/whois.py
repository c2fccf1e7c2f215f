"""Who to ask about a component: the owner team, the previous owner while they still help,
and the people who know it, strongest first. Pure."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from atlas.catalog.model import KNOWLEDGE_LEVELS, Catalog
from atlas.catalog.validate import closest


class UnknownComponentError(LookupError):
    def __init__(self, component_id: str, suggestion: str | None):
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        super().__init__(f"unknown component {component_id!r}{hint}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str = ""
    team: str = ""
    chat: str = ""
    email: str = ""
    level: str = ""  # knowledge level of this component ("" for a contact without one)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "team": self.team, "chat": self.chat, "email": self.email,
                "level": self.level or None}


@dataclass(slots=True)
class WhoIs:
    component: str
    kind: str
    system: str
    owner: str
    owner_name: str
    owner_chat: str
    owner_oncall: str
    previous_owner: str = ""
    stage: str = ""
    support_until: _dt.date | None = None
    support_days_left: int | None = None
    contact: Contact | None = None
    people: list[Contact] = field(default_factory=list)  # by knowledge, strongest first
    runbook: str | None = None

    def to_json(self) -> dict:
        return {
            "component": self.component, "kind": self.kind, "system": self.system,
            "owner": {"team": self.owner or None, "name": self.owner_name, "chat": self.owner_chat or None,
                      "oncall": self.owner_oncall or None},
            "previous_owner": self.previous_owner or None, "stage": self.stage or None,
            "support_until": self.support_until.isoformat() if self.support_until else None,
            "support_days_left": self.support_days_left,
            "contact": self.contact.to_json() if self.contact else None,
            "people": [p.to_json() for p in self.people], "runbook": self.runbook,
        }

    def to_text(self) -> str:
        lines = [f"{self.component} ({self.kind}, system {self.system or '-'})"]
        if self.owner:
            chat = f", chat {self.owner_chat}" if self.owner_chat else ""
            oncall = f", on-call {self.owner_oncall}" if self.owner_oncall else ", on-call: not routed"
            lines.append(f"  owner:     {self.owner_name or self.owner} ({self.owner}){chat}{oncall}")
        else:
            lines.append("  owner:     nobody (no owner team set)")
        if self.previous_owner:
            window = ""
            if self.support_until is not None:
                days = self.support_days_left or 0
                window = (f", supports until {self.support_until.isoformat()} ({days} days left)" if days >= 0
                          else f", support ended {self.support_until.isoformat()}")
            lines.append(f"  previous:  {self.previous_owner} (stage {self.stage}){window}")
        if self.contact:
            lines.append(f"  ask:       {_contact_text(self.contact)}")
        if self.people:
            lines.append("  knows it:")
            width = max(len(p.level) for p in self.people)
            for p in self.people:
                lines.append(f"    {p.level:<{width}}  {_contact_text(p)}")
        else:
            lines.append("  knows it:  nobody recorded")
        lines.append(f"  runbook:   {self.runbook or 'none (atlas runbook new ' + self.component + ')'}")
        return "\n".join(lines)


def _contact_text(c: Contact) -> str:
    name = f"{c.name} ({c.id})" if c.name else c.id
    extra = ", ".join(x for x in (c.team, c.chat, c.email) if x)
    return f"{name}{' - ' + extra if extra else ''}"


def _contact(catalog: Catalog, person_id: str, level: str = "") -> Contact:
    p = catalog.people.get(person_id)
    if p is None:
        return Contact(person_id, level=level)
    return Contact(p.id, p.name, p.team, p.chat, p.email, level)


def who_is(catalog: Catalog, component_id: str, today: _dt.date) -> WhoIs:
    c = catalog.components.get(component_id)
    if c is None:
        raise UnknownComponentError(component_id, closest(component_id, catalog.components))
    team = catalog.teams.get(c.owner)
    out = WhoIs(c.id, c.kind, c.system, c.owner, team.name if team else "", team.chat if team else "",
                team.oncall if team else "", runbook=c.runbook)
    h = c.handover
    if h is not None:
        out.previous_owner, out.stage, out.support_until = h.previous_owner, h.stage, h.support_until
        if h.support_until is not None:
            out.support_days_left = (h.support_until - today).days
        if h.contact:
            out.contact = _contact(catalog, h.contact)
        rank = {lvl: i for i, lvl in enumerate(KNOWLEDGE_LEVELS)}
        ordered = sorted(h.knowledge.items(), key=lambda pl: (-rank.get(pl[1], -1), pl[0]))
        out.people = [_contact(catalog, p, lvl) for p, lvl in ordered]
    return out
