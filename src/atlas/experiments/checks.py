"""Checks (pure): the manifest's own numbers, the key's presence in every target, and the
template's declared invariants over the target files (invariants.py). Each problem is one
line that names the repo, the file and the value; a check that could not run says why."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from atlas.experiments.edits import _contains
from atlas.experiments.expand import Entry
from atlas.experiments.invariants import DocView, evaluate_all
from atlas.experiments.owned import owned_entries
from atlas.experiments.select import Match
from atlas.experiments.manifest import WEIGHT_TOLERANCE, Manifest
from atlas.experiments.template import Template, TargetSpec, check_value

# The built-in checks (what the manifest alone decides, and the key's presence); everything
# else a template declares as [[experiment_template.invariant]] (invariants.py).
CHECK_NAMES = {
    "ownership": "edits replace nothing another experiment or production owns",
    "key": "experiment key in every target",
    "weights": "arm weights sum to 1",
    "coverage": "coverage in (0, 1]",
    "params": "parameters within their declared ranges",
}


@dataclass(slots=True)
class CheckResult:
    name: str  # a key of CHECK_NAMES or an invariant id
    problems: list[str] = field(default_factory=list)
    unchecked: str = ""  # why it could not be evaluated: never shown as ok
    must: bool = False  # the template says it must hold: unchecked is then a problem
    label: str = ""

    @property
    def ok(self) -> bool:
        """No problem found *and* evaluated; see `status` for the three-way answer."""
        return not self.problems and not self.unchecked

    @property
    def blocking(self) -> list[str]:
        """What refuses a plan: the problems, and an unchecked must-hold invariant."""
        if self.problems:
            return self.problems
        if self.unchecked and self.must:
            return [f"{self.title}: must hold but was not checked: {self.unchecked}"]
        return []

    @property
    def status(self) -> str:
        if self.problems:
            return "fail"
        return "unchecked" if self.unchecked else "ok"

    @property
    def title(self) -> str:
        return self.label or CHECK_NAMES.get(self.name, self.name)


@dataclass(slots=True)
class TargetDoc:
    """One target file as the checks see it: plain data (after the edit for plan, as it is
    on the default branch for verify) and the experiment's entries there."""

    target: TargetSpec
    github: str  # owner/name, for messages
    doc: Any
    entries: list[Entry]
    applies: bool = True  # False when the target's `when` parameter is unset
    missing: str = ""  # why doc is None (file not found...)

    @property
    def where(self) -> str:
        return f"{self.github} {self.target.path}"


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


def control_context(manifest: Manifest, template: Template) -> dict[str, Any]:
    """Placeholders an invariant may use: the experiment's values and `control.<field>`."""
    from atlas.experiments.expand import experiment_context

    ctx = experiment_context(manifest, template)
    ctx.update({f"control.{k}": v for k, v in template.control.items()})
    control = next((a for a in manifest.arms if a.control), None)
    if control is not None:
        ctx["control.name"] = control.name
    return ctx


def views_for(key: str, docs: list[TargetDoc]) -> dict[str, DocView]:
    """One DocView per target name: the document and the experiment's entries in it."""
    views: dict[str, DocView] = {}
    for td in docs:
        # a target the experiment does not edit (`when` unset) still shows what its file holds
        view = DocView(td.target.name, td.where, td.doc)
        if td.doc is None:
            view.missing = td.missing or "no document"
        elif not td.applies:
            view.entries = []
        elif td.target.owner_field:
            view.entries = owned_entries(td.doc, td.target, key)
        else:  # no owner field: the entries are where the template writes them
            view.entries = [m for e in td.entries for m in _located(td, e)]
        views[td.target.name] = view
    return views


def _located(td: TargetDoc, entry: Entry) -> list[Match]:
    from atlas.experiments.owned import existing

    m = existing(td.doc, td.target, entry)
    return [m] if m is not None else []


def check_repos(manifest: Manifest, template: Template, docs: list[TargetDoc]) -> list[CheckResult]:
    """The key's presence in every target, then the template's declared invariants."""
    key = CheckResult("key")
    for td in docs:
        if not td.applies or td.doc is None:
            continue
        for entry in td.entries:
            if not _contains(entry.value, manifest.id):
                key.problems.append(f"{td.where}: the template's entry does not carry the key {manifest.id}")
            elif not _entry_there(td, entry):
                key.problems.append(f"{td.where}: no entry for {manifest.id} at {'.'.join(entry.at + ((entry.key,) if entry.key else ()))}")
    return [key] + evaluate_invariants(manifest.id, template, docs, control_context(manifest, template))


def evaluate_invariants(key: str, template: Template, docs: list[TargetDoc], ctx: Mapping[str, Any]) -> list[CheckResult]:
    views = views_for(key, docs)
    return [
        CheckResult(o.id, o.problems, unchecked=o.unchecked, must=o.must, label=o.title)
        for o in evaluate_all(template.invariants, views, ctx)
    ]


def _entry_there(td: TargetDoc, entry: Entry) -> bool:
    from atlas.experiments.edits import entry_state

    return entry_state(td.doc, td.target.op, entry, "") != "absent" if td.target.op != "set" else (
        entry_state(td.doc, td.target.op, entry, "") == "present"
    )


def merge_results(*groups: list[CheckResult]) -> list[CheckResult]:
    """Same-named checks from several passes folded into one result each: the built-in ones
    first, then the template's invariants in declaration order."""
    merged: dict[str, CheckResult] = {name: CheckResult(name) for name in CHECK_NAMES}
    for group in groups:
        for result in group:
            have = merged.setdefault(result.name, CheckResult(result.name, label=result.label, must=result.must))
            have.problems.extend(result.problems)
            have.label = have.label or result.label
            have.must = have.must or result.must
            if result.unchecked and not have.unchecked:
                have.unchecked = result.unchecked
    return list(merged.values())


def control_context_for(key: str, template: Template) -> dict[str, Any]:
    """Placeholders for invariants when there is no manifest (a PR made by hand)."""
    ctx: dict[str, Any] = {"id": key, "model": template.model, "template": template.id}
    ctx.update({f"control.{k}": v for k, v in template.control.items()})
    return ctx
