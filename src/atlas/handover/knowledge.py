"""Knowledge records: who on the new team knows a component, and how well.

`mark_learned` changes one person's entry in one component's
`[component.handover.knowledge]` table (creating the table when missing) with tomlkit, so
every other byte of the catalog file stays as it was; the write is atomic. The loaded
catalog is updated too, so a TUI does not need to reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from atlas.catalog.model import KNOWLEDGE_LEVELS, Catalog, Handover
from atlas.catalog.validate import did_you_mean


class KnowledgeError(ValueError):
    """One readable line naming the component, person or level that is wrong."""


@dataclass(frozen=True, slots=True)
class Learned:
    component: str
    person: str
    level: str
    previous: str | None  # the level before, None when the person was not recorded
    file: str  # the catalog file (edited only when `changed`)
    changed: bool


def _did_you_mean(value: str, choices) -> str:
    hint = did_you_mean(value, choices)
    return f" ({hint})" if hint else ""


def mark_learned(catalog: Catalog, component_id: str, person_id: str, level: str) -> Learned:
    """Record that `person_id` now knows `component_id` at `level` (one of KNOWLEDGE_LEVELS).

    Raises KnowledgeError for an unknown component, person or level, or a file that cannot
    be edited. Setting the level a person already has writes nothing.
    """
    from atlas.catalog.writeback import WritebackError, set_in_entity

    component = catalog.components.get(component_id)
    if component is None:
        raise KnowledgeError(f"unknown component {component_id!r}{_did_you_mean(component_id, catalog.components)}")
    if person_id not in catalog.people:
        raise KnowledgeError(f"unknown person {person_id!r}{_did_you_mean(person_id, catalog.people)}")
    if level not in KNOWLEDGE_LEVELS:
        raise KnowledgeError(f"unknown knowledge level {level!r}{_did_you_mean(level, KNOWLEDGE_LEVELS)}; "
                             f"one of {', '.join(KNOWLEDGE_LEVELS)}")
    if component.source is None:
        raise KnowledgeError(f"component {component_id} has no catalog file to record knowledge in")
    previous = component.handover.knowledge.get(person_id) if component.handover else None
    file = str(component.source)
    if previous == level:
        return Learned(component_id, person_id, level, previous, file, changed=False)
    try:
        set_in_entity(component.source, "component", component_id, ["handover", "knowledge", person_id], level)
    except WritebackError as exc:
        raise KnowledgeError(str(exc)) from None
    if component.handover is None:
        component.handover = Handover(knowledge={})
    component.handover.knowledge[person_id] = level
    return Learned(component_id, person_id, level, previous, file, changed=True)


def person_from_env(people, env: Mapping[str, str]) -> str | None:
    """$ATLAS_USER, else $USER, when it names a person of the catalog (case-insensitive)."""
    by_lower = {pid.lower(): pid for pid in people}
    for name in ("ATLAS_USER", "USER"):
        value = (env.get(name) or "").strip().lower()
        if value in by_lower:
            return by_lower[value]
    return None
