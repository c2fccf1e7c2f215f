"""What plan refuses before computing an edit: replacing an entry the experiment does not own
(production's control variant, another experiment's flag), a second active experiment that
writes the same place, and a second running experiment on the same traffic (same hash seed:
users land in the same buckets, so the two results are confounded). Pure."""

from __future__ import annotations

from typing import Any, Mapping

from atlas.experiments.expand import target_entries
from atlas.experiments.manifest import Manifest
from atlas.experiments.owned import claim, owner_of
from atlas.experiments.select import get_field, select
from atlas.experiments.template import Template, TargetSpec


def _place(target: TargetSpec, entry) -> tuple:
    want = entry.value.get(entry.match) if target.op == "append" and isinstance(entry.value, dict) else None
    return (target.repo, target.path, tuple(entry.at), entry.key, want)


def ownership_problems(
    where: str, doc: Any, target: TargetSpec, entries: list, manifest: Manifest,
    others: list[tuple[Manifest, Template]],
) -> list[str]:
    out = []
    for entry in entries:
        c = claim(doc, target, entry, manifest.id)
        if c is not None:
            out.append(f"{where}: {c.describe()}; {manifest.id} would replace it: refused "
                       "(pick another name, or change that entry by hand)")
        mine = _place(target, entry)
        for other, tpl in others:
            if other.id == manifest.id:
                continue
            for t in tpl.targets:
                if (t.repo, t.path) != (target.repo, target.path):
                    continue
                if any(_place(t, e) == mine for e in target_entries(t, other, tpl)):
                    out.append(f"{where}: {'.'.join(entry.at + ((entry.key,) if entry.key else ()))} is also "
                               f"written by experiment {other.id} ({other.state}): a second experiment on the same "
                               "entry: refused")
    return out


def traffic_problems(
    manifest: Manifest, template: Template, docs: Mapping[str, tuple[str, Any]],
    others: list[tuple[Manifest, Template]],
) -> list[str]:
    """`[experiment_template.traffic]`: target, path (the running entries), seed (their
    seed field), param (this experiment's seed parameter), coverage (optional field)."""
    spec = template.traffic
    if not spec:
        return []
    param = spec.get("param", spec["seed"])
    mine = manifest.params.get(param)
    if mine is None:
        return []
    out = []
    target = template.target(spec["target"])
    if target is not None and spec["target"] in docs:
        where, doc = docs[spec["target"]]
        for m in select(doc, spec["path"]):
            if not isinstance(m.value, dict) or get_field(m.value, spec["seed"]) != mine:
                continue
            owner = owner_of(m.value, target) or "?"
            if owner == manifest.id:
                continue
            cov = get_field(m.value, spec.get("coverage", "coverage"))
            out.append(f"{where}: {m.where}: experiment {owner} runs on the same traffic (hash seed {mine}"
                       + (f", coverage {cov:g}" if isinstance(cov, (int, float)) else "")
                       + f"); {manifest.id} would bucket the same users: pick another {param}")
    for other, tpl in others:
        if other.id != manifest.id and tpl.traffic.get("target") == spec["target"] and other.params.get(
                tpl.traffic.get("param", tpl.traffic.get("seed"))) == mine:
            line = f"experiment {other.id} ({other.state}) uses the same hash seed {mine}; pick another {param}"
            if not any(other.id in p for p in out):
                out.append(line)
    return out
