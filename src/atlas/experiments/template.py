"""Experiment templates: the typed parameters of a model's A/B test and the edit it makes
in each repo. Parsed and validated from the catalog's raw `[[experiment_template]]` tables
in template_parse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# Value parsing and checks live in values.py; re-exported here for the wizard and the CLI.
from atlas.experiments.values import check_value, parse_value, path_problem, validate_value


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One typed parameter: what the wizard asks for and what a manifest may set."""

    name: str
    type: str
    scope: str = "experiment"  # experiment-wide, or per (treatment) arm
    default: Any = None
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    pattern: str = ""
    help: str = ""
    required: bool = True
    random: bool = False  # a new manifest draws the value at random in [min, max] (hash seeds)

    def describe_range(self) -> str:
        if self.choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.min is not None and self.max is not None:
            return f"{self.min} to {self.max}"
        if self.min is not None:
            return f">= {self.min}"
        if self.max is not None:
            return f"<= {self.max}"
        if self.pattern:
            return f"matching {self.pattern}"
        return ""


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """The file an experiment edits in one repo and how."""

    repo: str  # catalog repo id
    path: str  # repo-relative, confined to the repo
    format: str
    op: str
    at: tuple[str, ...]  # path of keys to the table / mapping / list that is edited
    value: Any  # value template (placeholders expanded per experiment / arm)
    key: str = ""  # op = put: the mapping key template
    match: str = ""  # op = append: element field that identifies the experiment's entry
    each: str = ""  # "treatment": one entry per non-control arm
    when: str = ""  # name of a parameter: the target applies only when it is set
    name: str = ""  # what invariants call this target (default: the repo id)
    title: str = ""  # what the PR title says the change is ("enable feature flag")
    owner: str = ""  # entry field naming the experiment that owns it (default: the one = "{id}")
    model: str = ""  # the model this target is about, when the experiment spans several
    merge_method: str = ""  # merge | squash | rebase; default: what the repo allows
    wait_for: Mapping[str, Any] = field(default_factory=dict)  # readiness before the next merge
    ended: str = ""  # a filter like "[status=concluded]": entries that say their experiment is over
    order: int = 0  # data order: merge follows it (upstream data first)

    @property
    def owner_field(self) -> str:
        if self.owner:
            return self.owner
        if isinstance(self.value, Mapping):
            for k, v in self.value.items():
                if v == "{id}":
                    return str(k)
        return ""


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    model: str
    description: str = ""
    params: tuple[ParamSpec, ...] = ()
    targets: tuple[TargetSpec, ...] = ()
    control: Mapping[str, Any] = field(default_factory=dict)  # the control arm's values
    min_arms: int = 2
    max_arms: int = 6
    invariants: tuple = ()  # invariants.Invariant, in declaration order
    traffic: Mapping[str, Any] = field(default_factory=dict)  # how to find experiments sharing traffic
    watch: Mapping[str, Any] = field(default_factory=dict)  # raw; parsed by atlas.watch.spec
    adopted: tuple[str, ...] = ()  # experiment keys that predate atlas (no manifest): verify knows them
    source: Path | None = None

    def target(self, name: str) -> "TargetSpec | None":
        return next((t for t in self.targets if t.name == name), None)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def experiment_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.scope == "experiment")

    @property
    def arm_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.scope == "arm")

    def targets_in_data_order(self) -> list[TargetSpec]:
        return sorted(self.targets, key=lambda t: t.order)


__all__ = ["ParamSpec", "TargetSpec", "Template", "check_value", "parse_value", "path_problem", "validate_value"]
