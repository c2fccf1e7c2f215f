"""The experiment being entered in the wizard, as the person typed it (pure).

Every field is kept as text, exactly as typed, so going back a step never loses or
reformats anything; each field is checked with the same rules the manifest loader uses
(`validate_value` for parameters), and the draft turns into a manifest's TOML only at the
review step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from atlas.experiments.manifest import ID_RE, WEIGHT_TOLERANCE, Arm, new_manifest_text
from atlas.experiments.template import ParamSpec, Template, parse_value, validate_value


def as_text(value: Any) -> str:
    """A template default as a person would type it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def param_problem(spec: ParamSpec, text: str) -> str | None:
    """None when the typed text is acceptable for the parameter, else why not."""
    if not text.strip() and not spec.required and spec.type != "str":
        return None  # optional and left empty: the template's default applies
    return validate_value(spec, text)


def id_problem(text: str, taken: set[str]) -> str | None:
    if not text:
        return "required: a lowercase id like exp-ranker-lr-v1"
    if not ID_RE.match(text):
        return "must be lowercase letters, digits, '-', '_' or '.', starting with a letter or digit"
    if text in taken:
        return f"{text} already exists in catalog/experiments; pick another id"
    return None


def _fraction_problem(text: str, what: str) -> str | None:
    try:
        value = float(text)
    except ValueError:
        return f"{what} must be a number in (0, 1]"
    if not math.isfinite(value) or not 0 < value <= 1:
        return f"{text.strip()} is out of range: {what} must be in (0, 1]"
    return None


def coverage_problem(text: str) -> str | None:
    return _fraction_problem(text, "coverage (the share of users enrolled)")


def weight_problem(text: str) -> str | None:
    return _fraction_problem(text, "a weight")


@dataclass
class ArmDraft:
    name: str
    control: bool
    weight: str
    params: dict[str, str] = field(default_factory=dict)  # arm-scope parameters (treatment arms)


@dataclass
class WizardDraft:
    template: Template
    experiment_id: str = ""
    hypothesis: str = ""
    owner: str = ""
    coverage: str = "0.1"
    params: dict[str, str] = field(default_factory=dict)  # experiment-scope parameters
    arms: list[ArmDraft] = field(default_factory=list)
    written: Path | None = None  # the manifest this wizard wrote (review may rewrite it)

    @classmethod
    def start(cls, template: Template) -> "WizardDraft":
        """Template defaults everywhere; one control and one treatment arm, 50/50."""
        treatment = {p.name: as_text(p.default) for p in template.arm_params}
        return cls(
            template=template,
            params={p.name: as_text(p.default) for p in template.experiment_params},
            arms=[ArmDraft("control", True, "0.5"), ArmDraft("treatment", False, "0.5", treatment)],
        )

    def has_input(self) -> bool:
        """Something the user typed that leaving the wizard would lose."""
        fresh = WizardDraft.start(self.template)
        return bool(self.experiment_id or self.hypothesis.strip() or self.owner) or (
            self.coverage, self.params, self.arms) != (fresh.coverage, fresh.params, fresh.arms)

    @property
    def treatment_arms(self) -> list[ArmDraft]:
        return [a for a in self.arms if not a.control]

    def can_add_arm(self) -> bool:
        return len(self.arms) < self.template.max_arms

    def can_remove_arm(self) -> bool:
        return len(self.arms) > self.template.min_arms and len(self.treatment_arms) > 1

    def add_arm(self) -> ArmDraft:
        """Another treatment arm (template defaults), the weights split evenly again."""
        names = {a.name for a in self.arms}
        n = 2
        while f"treatment-{n}" in names:
            n += 1
        arm = ArmDraft(f"treatment-{n}", False, "", {p.name: as_text(p.default) for p in self.template.arm_params})
        self.arms.append(arm)
        self.split_weights()
        return arm

    def remove_arm(self) -> None:
        """Drop the last treatment arm and split the weights evenly again."""
        last = self.treatment_arms[-1]
        self.arms.remove(last)
        self.split_weights()

    def split_weights(self) -> None:
        """Even weights in hundredths that sum to exactly 1 (the first arms take the rest)."""
        count = len(self.arms)
        base, extra = divmod(100, count)
        for i, arm in enumerate(self.arms):
            arm.weight = f"{(base + (1 if i < extra else 0)) / 100:g}"

    def weight_sum(self) -> float | None:
        """The weights' sum, or None while one of them is not a number."""
        try:
            return sum(float(a.weight) for a in self.arms)
        except ValueError:
            return None

    def weights_problem(self) -> str | None:
        total = self.weight_sum()
        if total is None:
            return "every weight must be a number"
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            return f"weights sum to {total:g}; they must sum to 1"
        return None

    def identity_problems(self, taken: set[str]) -> dict[str, str]:
        """Step 2's fields -> problem, for the fields that have one."""
        found = {
            "id": id_problem(self.experiment_id, taken),
            "hypothesis": None if self.hypothesis.strip() else "required: what you expect to change, and by how much",
            "owner": None if self.owner else "required: the team or person who owns the experiment",
            "coverage": coverage_problem(self.coverage),
        }
        return {k: v for k, v in found.items() if v}

    def parameter_problems(self) -> list[str]:
        """Step 3: one line per field that is not acceptable (empty when all are)."""
        out = []
        for spec in self.template.experiment_params:
            problem = param_problem(spec, self.params.get(spec.name, ""))
            if problem:
                out.append(f"{spec.name}: {problem}")
        for arm in self.arms:
            problem = weight_problem(arm.weight)
            if problem:
                out.append(f"{arm.name} weight: {problem}")
            if arm.control:
                continue
            for spec in self.template.arm_params:
                problem = param_problem(spec, arm.params.get(spec.name, ""))
                if problem:
                    out.append(f"{arm.name}.{spec.name}: {problem}")
        weights = self.weights_problem()
        if weights:
            out.append(weights)
        return out

    def _typed(self, specs: tuple[ParamSpec, ...], texts: dict[str, str]) -> dict[str, Any]:
        out = {}
        for spec in specs:
            text = texts.get(spec.name, "")
            if not text.strip() and spec.type != "str" and not spec.required:
                continue
            out[spec.name] = parse_value(spec, text)
        return out

    def manifest_text(self) -> str:
        """The draft manifest's TOML; only call when the parameters have no problems."""
        arms = [
            Arm(a.name, float(a.weight), a.control,
                {} if a.control else self._typed(self.template.arm_params, a.params))
            for a in self.arms
        ]
        return new_manifest_text(
            self.template,
            self.experiment_id,
            hypothesis=self.hypothesis.strip(),
            owner=self.owner,
            coverage=float(self.coverage),
            params=self._typed(self.template.experiment_params, self.params),
            arms=arms,
        )
