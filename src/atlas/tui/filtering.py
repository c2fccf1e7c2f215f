"""The catalog filter typed after `/`: words ANDed, each a substring of id, kind, owner,
team, system or status, or `field:value` for one field (`owner:feature-eng`, `status:crit`)."""

from __future__ import annotations

from dataclasses import dataclass

from atlas.catalog.model import Catalog, Component
from atlas.health.model import Status

FIELDS = ("id", "kind", "owner", "team", "system", "status")


@dataclass(frozen=True, slots=True)
class Term:
    field: str  # "" = any field
    value: str


@dataclass(frozen=True, slots=True)
class ComponentFilter:
    terms: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> "ComponentFilter":
        terms = []
        for word in text.lower().split():
            name, sep, value = word.partition(":")
            if sep and name in FIELDS:
                terms.append(Term(name, value))
            else:
                terms.append(Term("", word))
        return cls(tuple(terms))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, component: Component, catalog: Catalog, status: Status) -> bool:
        values = _field_values(component, catalog, status)
        for term in self.terms:
            if term.field == "status":
                # statuses match from the start of the word: status:no matches NO_DATA
                if not any(v.startswith(term.value) for v in values["status"]):
                    return False
            elif term.field:
                if not any(term.value in v for v in values[term.field]):
                    return False
            elif not any(term.value in v for vs in values.values() for v in vs):
                return False
        return True


def _field_values(component: Component, catalog: Catalog, status: Status) -> dict[str, tuple[str, ...]]:
    team = catalog.teams.get(component.owner)
    return {
        "id": (component.id.lower(),),
        "kind": (component.kind.lower(), component.mode.lower()),
        "owner": (component.owner.lower(),),
        "team": (component.owner.lower(), team.name.lower() if team else ""),
        "system": (component.system.lower(),),
        "status": (status.value.lower(), status.value.lower().replace("_", " ")),
    }


# What pages an on-call is the request path: when a filter matches several components,
# enter lands on the one most likely to be the subject of the page ("ranker" at 3 a.m.
# means the ranker service, not the model or its training run).
_PAGE_ORDER = {"grpc_service": 0, "envoy_gateway": 1, "redis_instance": 2, "model": 3}


def best_match(matches: list[Component]) -> Component | None:
    """The match to land on: services on the request path first, then tier, then list order."""
    if not matches:
        return None
    ranked = sorted(enumerate(matches), key=lambda im: (_PAGE_ORDER.get(im[1].kind, 9), im[1].tier, im[0]))
    return ranked[0][1]
