"""Cross-repo consistency checks (pure): what must agree between the pipeline's feature
flags, the training variants and the serving experiment entry, and the manifest's own
numbers. Each problem is one line that names the repo, the file and the value."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from atlas.experiments.edits import _contains
from atlas.experiments.expand import Entry
from atlas.experiments.manifest import WEIGHT_TOLERANCE, Manifest
from atlas.experiments.template import Template, TargetSpec, check_value

CHECK_NAMES = {
    "key": "experiment key in every repo",
    "aliases": "serving arms' model aliases registered by training variants",
    "features": "arms' features produced and enabled in the pipeline",
    "weights": "arm weights sum to 1",
    "coverage": "coverage in (0, 1]",
    "params": "parameters within their declared ranges",
}


@dataclass(slots=True)
class CheckResult:
    name: str  # key in CHECK_NAMES
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def title(self) -> str:
        return CHECK_NAMES.get(self.name, self.name)


@dataclass(slots=True)
class TargetDoc:
    """One target file as the checks see it: plain data (after the edit for plan, as it is
    on the default branch for verify) and the experiment's entries there."""

    target: TargetSpec
    github: str  # owner/name, for messages
    doc: Any
    entries: list[Entry]
    applies: bool = True  # False when the target's `when` parameter is unset

    @property
    def where(self) -> str:
        return f"{self.github} {self.target.path}"


def _at(doc: Any, at) -> Any:
    node = doc
    for key in at:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def check_manifest(manifest: Manifest, template: Template) -> list[CheckResult]:
    """Weights, coverage and parameter ranges: what the manifest alone decides."""
    weights = CheckResult("weights")
    total = sum(a.weight for a in manifest.arms)
    for arm in manifest.arms:
        if not 0 < arm.weight <= 1:
            weights.problems.append(f"arm {arm.name}: weight {arm.weight:g} must be in (0, 1]")
    if not math.isclose(total, 1.0, abs_tol=WEIGHT_TOLERANCE):
        parts = " + ".join(f"{a.weight:g}" for a in manifest.arms)
        weights.problems.append(f"arm weights {parts} = {total:g}, must sum to 1")
    coverage = CheckResult("coverage")
    if not 0 < manifest.coverage <= 1:
        coverage.problems.append(f"coverage {manifest.coverage:g} must be in (0, 1]")
    params = CheckResult("params")
    for spec in template.experiment_params:
        if spec.name in manifest.params:
            problem = check_value(spec, manifest.params[spec.name])
            if problem:
                params.problems.append(f"params.{spec.name}: {problem}")
        elif spec.required and spec.default is None:
            params.problems.append(f"params.{spec.name}: missing")
    for arm in manifest.treatment_arms:
        for spec in template.arm_params:
            if spec.name in arm.params:
                problem = check_value(spec, arm.params[spec.name])
                if problem:
                    params.problems.append(f"arm {arm.name}: {spec.name}: {problem}")
            elif spec.required and spec.default is None:
                params.problems.append(f"arm {arm.name}: {spec.name}: missing")
    return [weights, coverage, params]


def _serving_entry(td: TargetDoc) -> Mapping | None:
    if not td.entries:
        return None
    entry = td.entries[0]
    node = _at(td.doc, entry.at)
    if td.target.op == "append" and isinstance(node, list):
        want = entry.value.get(entry.match)
        found = [el for el in node if isinstance(el, Mapping) and el.get(entry.match) == want]
        return found[-1] if found else None
    if td.target.op == "put" and isinstance(node, Mapping):
        return node.get(entry.key)
    return None


def _variants(td: TargetDoc) -> Mapping:
    node = _at(td.doc, td.target.at)
    return node if isinstance(node, Mapping) else {}


def _features(td: TargetDoc) -> Mapping:
    at = td.target.at[:-1] if td.target.op == "set" else td.target.at
    node = _at(td.doc, at)
    return node if isinstance(node, Mapping) else {}


def check_repos(manifest: Manifest, template: Template, docs: list[TargetDoc]) -> list[CheckResult]:
    """The cross-repo checks over the target files (one TargetDoc per template target)."""
    key = CheckResult("key")
    for td in docs:
        if not td.applies:
            continue
        for entry in td.entries:
            if not _contains(entry.value, manifest.id):
                key.problems.append(f"{td.where}: the template's entry does not carry the key {manifest.id}")
            elif not _entry_there(td, entry):
                key.problems.append(f"{td.where}: no entry for {manifest.id} at {'.'.join(entry.at + ((entry.key,) if entry.key else ()))}")

    by_role = {td.target.role: td for td in docs if td.target.role}
    serving, training, pipeline = by_role.get("serving"), by_role.get("training"), by_role.get("pipeline")
    aliases = CheckResult("aliases")
    features = CheckResult("features")
    weights = CheckResult("weights")
    coverage = CheckResult("coverage")

    arms: list[Mapping] = []
    if serving is not None:
        entry = _serving_entry(serving)
        if entry is None:
            aliases.problems.append(f"{serving.where}: no experiment entry with key {manifest.id}")
        else:
            arms = [a for a in entry.get("arms", []) if isinstance(a, Mapping)]
            total = sum(float(a.get("weight", 0) or 0) for a in arms)
            if not math.isclose(total, 1.0, abs_tol=WEIGHT_TOLERANCE):
                weights.problems.append(f"{serving.where}: {manifest.id} arm weights sum to {total:g}, not 1")
            cov = entry.get("coverage")
            if not isinstance(cov, (int, float)) or isinstance(cov, bool) or not 0 < cov <= 1:
                coverage.problems.append(f"{serving.where}: {manifest.id} coverage {cov!r} must be in (0, 1]")

    registered: dict[tuple[str, str], tuple[str, Mapping]] = {}
    if training is not None:
        for name, variant in _variants(training).items():
            if isinstance(variant, Mapping) and isinstance(variant.get("register_as"), Mapping):
                reg = variant["register_as"]
                registered[(str(reg.get("model", "")), str(reg.get("alias", "")))] = (name, variant)
    if serving is not None and training is not None:
        for arm in arms:
            model = arm.get("model") if isinstance(arm.get("model"), Mapping) else {}
            pair = (str(model.get("name", "")), str(model.get("alias", "")))
            if pair not in registered:
                known = ", ".join(sorted(a for m, a in registered if m == pair[0])) or "none"
                aliases.problems.append(
                    f"{serving.where}: arm {arm.get('name')}: model {pair[0]} alias {pair[1]} is not registered "
                    f"by any variant in {training.where} (registered: {known})"
                )
                continue
            variant_name, variant = registered[pair]
            if variant.get("feature_set") != arm.get("feature_set"):
                aliases.problems.append(
                    f"arm {arm.get('name')}: serving uses feature_set {arm.get('feature_set')} but training "
                    f"variant {variant_name} trains on {variant.get('feature_set')}"
                )

    if pipeline is not None:
        table = _features(pipeline)
        sets: set[str] = set()
        for feat in table.values():
            if isinstance(feat, Mapping):
                sets.update(str(s) for s in feat.get("feature_set", []) or [])
        wanted: dict[str, str] = {}
        for arm in arms:
            for token in str(arm.get("feature_set", "")).split("+"):
                if token:
                    wanted.setdefault(token, f"arm {arm.get('name')}")
        if training is not None:
            for name, variant in _variants(training).items():
                if isinstance(variant, Mapping) and variant.get("experiment") == manifest.id:
                    for token in str(variant.get("feature_set", "")).split("+"):
                        if token:
                            wanted.setdefault(token, f"training variant {name}")
        for token, who in wanted.items():
            feat = table.get(token)
            if isinstance(feat, Mapping):
                if feat.get("enabled") is not True:
                    features.problems.append(f"{pipeline.where}: {who} uses feature {token}, which is not enabled")
                if not feat.get("producer"):
                    features.problems.append(f"{pipeline.where}: {who} uses feature {token}, which has no producer")
            elif token in sets:
                off = [n for n, f in table.items() if isinstance(f, Mapping) and token in (f.get("feature_set") or []) and f.get("enabled") is not True]
                if off:
                    features.problems.append(f"{pipeline.where}: feature set {token} includes disabled features: {', '.join(off)}")
            else:
                features.problems.append(f"{pipeline.where}: {who} uses {token}, which is neither a feature nor a feature set there")
    return [key, aliases, features, weights, coverage]


def _entry_there(td: TargetDoc, entry: Entry) -> bool:
    from atlas.experiments.edits import entry_state

    return entry_state(td.doc, td.target.op, entry, "") != "absent" if td.target.op != "set" else (
        entry_state(td.doc, td.target.op, entry, "") == "present"
    )


def merge_results(*groups: list[CheckResult]) -> list[CheckResult]:
    """Same-named checks from several passes folded into one result each, in CHECK_NAMES order."""
    merged: dict[str, CheckResult] = {name: CheckResult(name) for name in CHECK_NAMES}
    for group in groups:
        for result in group:
            merged.setdefault(result.name, CheckResult(result.name)).problems.extend(result.problems)
    return list(merged.values())
