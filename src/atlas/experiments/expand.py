"""Filling a template's value with one experiment's numbers.

A string that is exactly one placeholder ("{arm.learning_rate}") becomes the typed value
(a float stays a float in the YAML/JSON); a placeholder inside longer text is formatted
into it. `{"$each_arm": {...}}` becomes a list with one item per arm, in manifest order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from atlas.experiments.errors import EditError
from atlas.experiments.manifest import Arm, Manifest
from atlas.experiments.template import Template, TargetSpec

_WHOLE = re.compile(r"^\{([A-Za-z0-9_.]+)\}$")
_PART = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def experiment_context(manifest: Manifest, template: Template) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "id": manifest.id,
        "hypothesis": manifest.hypothesis,
        "owner": manifest.owner,
        "coverage": manifest.coverage,
        "model": template.model,
        "template": template.id,
    }
    ctx.update(manifest.params)
    return ctx


def arm_values(arm: Arm, template: Template) -> dict[str, Any]:
    """An arm's values: the control arm takes the template's control table, the others
    their parameters (defaults filled by the manifest loader)."""
    values: dict[str, Any] = {p.name: p.default for p in template.arm_params if p.default is not None}
    values.update(template.control if arm.control else arm.params)
    values["name"] = arm.name
    values["weight"] = arm.weight
    return values


def _lookup(name: str, ctx: Mapping[str, Any]) -> Any:
    if name in ctx:
        return ctx[name]
    raise EditError(f"no value for placeholder {{{name}}}")


def expand(value: Any, ctx: Mapping[str, Any], arms: list[dict[str, Any]] | None = None) -> Any:
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return _lookup(whole.group(1), ctx)
        return _PART.sub(lambda m: str(_lookup(m.group(1), ctx)), value)
    if isinstance(value, Mapping):
        if "$each_arm" in value:
            item = value["$each_arm"]
            return [expand(item, {**ctx, **{f"arm.{k}": v for k, v in a.items()}}, arms) for a in arms or []]
        return {expand(k, ctx, arms): expand(v, ctx, arms) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [expand(v, ctx, arms) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Entry:
    """One concrete edit: at `at` (a path of keys), a `key` (put), or list entry (append)."""

    at: tuple[str, ...]
    value: Any
    key: str = ""
    match: str = ""


def target_entries(target: TargetSpec, manifest: Manifest, template: Template) -> list[Entry]:
    """The concrete entries a target writes for this experiment ([] when `when` is unset)."""
    ctx = experiment_context(manifest, template)
    if target.when and not ctx.get(target.when):
        return []
    arms = [arm_values(a, template) for a in manifest.arms]
    contexts = [ctx]
    if target.each == "treatment":
        contexts = [
            {**ctx, **{f"arm.{k}": v for k, v in arm_values(a, template).items()}} for a in manifest.treatment_arms
        ]
    entries = []
    for c in contexts:
        at = tuple(str(expand(a, c, arms)) for a in target.at)
        entries.append(
            Entry(
                at=at,
                value=expand(target.value, c, arms),
                key=str(expand(target.key, c, arms)) if target.key else "",
                match=target.match,
            )
        )
    return entries
