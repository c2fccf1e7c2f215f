"""Who owns an entry in a target file, and which entries an experiment owns.

An entry belongs to the experiment whose key is in its owner field (the target's `owner`, by
default the field the template fills with "{id}": `experiment`, `key`...). An entry without
that field belongs to production. The items an owner field is looked for in are the target's
`at` path with every placeholder segment widened to `*`, plus one more level for put/append
(the mapping's values, the list's items). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlas.experiments.select import Match, get_field, select, split_path
from atlas.experiments.template import TargetSpec

PRODUCTION = "production"


def scan_path(target: TargetSpec) -> list[str]:
    segs: list[str] = []
    for seg in target.at:
        if "{" in seg:
            segs.append("*")
        else:
            segs.extend(split_path(seg) if seg.startswith("[") else [seg])
    if target.op in ("put", "append"):
        segs.append("*")
    return segs


def items(doc: Any, target: TargetSpec) -> list[Match]:
    """Every item of the target's kind in the document (features, variants, experiments...)."""
    return [m for m in select(doc, scan_path(target)) if isinstance(m.value, dict)]


def owner_of(item: Any, target: TargetSpec) -> str:
    """The experiment key in an item's owner field, or "" (production's, or unknown)."""
    f = target.owner_field
    value = get_field(item, f) if f else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "" else ""


def owned_entries(doc: Any, target: TargetSpec, key: str) -> list[Match]:
    return [m for m in items(doc, target) if owner_of(m.value, target) == key]


def keys_in(doc: Any, target: TargetSpec) -> dict[str, list[Match]]:
    """experiment key -> its items, for every item that carries an owner."""
    out: dict[str, list[Match]] = {}
    for m in items(doc, target):
        owner = owner_of(m.value, target)
        if owner:
            out.setdefault(owner, []).append(m)
    return out


@dataclass(frozen=True, slots=True)
class Claim:
    """An entry the experiment would replace, with whoever owns it now."""

    where: str  # location inside the file
    owner: str  # experiment key, or PRODUCTION

    def describe(self) -> str:
        who = "production (no owner field)" if self.owner == PRODUCTION else f"experiment {self.owner}"
        return f"{self.where} is owned by {who}"


def existing(doc: Any, target: TargetSpec, entry) -> Match | None:
    """The item the edit `entry` would write over, if the file already has one there."""
    at = list(entry.at)
    if target.op == "set":
        found = select(doc, at) if at else []
        return found[0] if found else None
    if target.op == "put":
        found = select(doc, at + [entry.key])
        return found[0] if found else None
    if target.op == "append":
        want = entry.value.get(entry.match) if isinstance(entry.value, dict) else None
        for m in select(doc, at + ["*"]):
            if isinstance(m.value, dict) and m.value.get(entry.match) == want:
                return m
    return None


def claim(doc: Any, target: TargetSpec, entry, key: str) -> Claim | None:
    """None when the edit only writes what the experiment owns (or adds something new)."""
    m = existing(doc, target, entry)
    if m is None:
        return None
    owner = owner_of(m.value, target) if isinstance(m.value, dict) else ""
    if owner == key:
        return None
    if target.op == "set" and not owner:
        # a set edit turns fields of a production entry on for the experiment (a feature
        # flag); it keeps every other field, and refuses only another experiment's entry
        return None
    return Claim(m.where, owner or PRODUCTION)
