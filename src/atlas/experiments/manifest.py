"""Experiment manifests: one TOML file per experiment (`catalog/experiments/ID.toml`).

Read with tomllib and validated against the template in one pass (every problem one line);
written back with tomlkit through an atomic write so comments and layout survive when atlas
records the state and the pull requests.

States: draft (written, not applied) -> planned (apply began: checks passed, bases pinned)
-> open (all PRs open) -> partially-merged (some merged) -> merged -> concluded (the test
ended; its entries may stay as history); or aborted (nothing of it live).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from atlas.catalog.fields import GITHUB_PATTERN
from atlas.experiments.errors import ManifestError
from atlas.experiments.template import ParamSpec, Template, check_value

STATES = ("draft", "planned", "open", "partially-merged", "merged", "concluded", "aborted")
# Live or about to be: their entries are accounted for on the default branches.
ACTIVE_STATES = ("open", "partially-merged", "merged")
_GITHUB_RE = re.compile(GITHUB_PATTERN)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
WEIGHT_TOLERANCE = 1e-6


@dataclass(slots=True)
class Arm:
    name: str
    weight: float
    control: bool = False
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PullRef:
    """One of the experiment's pull requests, as recorded in the manifest by apply."""

    repo: str  # catalog repo id
    github: str  # owner/name
    number: int
    url: str
    branch: str = ""
    head_sha: str = ""
    base_sha: str = ""


@dataclass(slots=True)
class Manifest:
    id: str
    template: str
    state: str = "draft"
    hypothesis: str = ""
    owner: str = ""
    coverage: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)
    arms: list[Arm] = field(default_factory=list)
    prs: dict[str, PullRef] = field(default_factory=dict)
    path: Path | None = None

    @property
    def branch(self) -> str:
        return f"atlas/exp/{self.id}"

    @property
    def treatment_arms(self) -> list[Arm]:
        return [a for a in self.arms if not a.control]


def did_you_mean(word: str, options) -> str:
    options = sorted(options)
    close = difflib.get_close_matches(word, options, n=1)
    if close:
        return f" (did you mean {close[0]}?)"
    # no near miss: list what exists, so the fix is one look away
    if options and len(options) <= 8:
        return f" (known: {', '.join(options)})"
    return ""


def _check_params(
    values: Mapping[str, Any], specs: tuple[ParamSpec, ...], where: str, errors: list[str]
) -> dict[str, Any]:
    """Fill defaults, reject unknown names and values out of type, range or choices."""
    by_name = {p.name: p for p in specs}
    out: dict[str, Any] = {}
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            errors.append(f"{where}: unknown parameter {name!r}{did_you_mean(name, by_name)}")
            continue
        problem = check_value(spec, value)
        if problem:
            errors.append(f"{where}: {name}: {problem}")
            continue
        out[name] = value
    for spec in specs:
        if spec.name in out:
            continue
        if spec.default is not None:
            out[spec.name] = spec.default
        elif spec.required:
            errors.append(f"{where}: missing parameter {spec.name!r}")
    return out


def parse_manifest(
    data: Mapping[str, Any], templates: Mapping[str, Template], source: Path | None = None
) -> Manifest:
    """A manifest's TOML data -> Manifest, or ManifestError listing every problem."""
    where = f"{source}" if source else "manifest"
    mid = data.get("id")
    head = f"{where}: experiment {mid if isinstance(mid, str) else '?'}"
    errors: list[str] = []
    if not isinstance(mid, str) or not ID_RE.match(mid):
        errors.append(f"{head}: id: must be a lowercase id like exp-ranker-dwell-v2")
    tid = data.get("template")
    template = templates.get(tid) if isinstance(tid, str) else None
    if template is None:
        errors.append(f"{head}: template: unknown template {tid!r}{did_you_mean(str(tid), templates)}")
    state = data.get("state", "draft")
    if state not in STATES:
        errors.append(f"{head}: state: {state!r} is not one of {', '.join(STATES)}")
    coverage = data.get("coverage")
    if isinstance(coverage, bool) or not isinstance(coverage, (int, float)):
        errors.append(f"{head}: coverage: must be a number in (0, 1], the share of users enrolled")
        coverage = 0.0
    elif not 0 < coverage <= 1:
        errors.append(f"{head}: coverage: {coverage} must be in (0, 1]")
    for text_field in ("hypothesis", "owner"):
        if not isinstance(data.get(text_field, ""), str):
            errors.append(f"{head}: {text_field}: must be text")
    raw_params = data.get("params", {})
    if not isinstance(raw_params, Mapping):
        errors.append(f"{head}: params: must be a table")
        raw_params = {}
    params = _check_params(raw_params, template.experiment_params, f"{head}: params", errors) if template else {}

    arms: list[Arm] = []
    raw_arms = data.get("arm", [])
    if not isinstance(raw_arms, list):
        errors.append(f"{head}: arm: must be an array of tables ([[arm]])")
        raw_arms = []
    seen: set[str] = set()
    for i, ra in enumerate(raw_arms):
        if not isinstance(ra, Mapping):
            errors.append(f"{head}: arm[{i}]: must be a table")
            continue
        name = ra.get("name")
        if not isinstance(name, str) or not ID_RE.match(name):
            errors.append(f"{head}: arm[{i}].name: must be a lowercase id like treatment")
            continue
        if name in seen:
            errors.append(f"{head}: arm {name}: declared twice")
        seen.add(name)
        weight = ra.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            errors.append(f"{head}: arm {name}: weight: must be a number in (0, 1]")
            weight = 0.0
        elif not 0 < weight <= 1:
            errors.append(f"{head}: arm {name}: weight: {weight} must be in (0, 1]")
        control = bool(ra.get("control", name == "control"))
        arm_params: dict[str, Any] = {}
        rp = ra.get("params", {})
        if not isinstance(rp, Mapping):
            errors.append(f"{head}: arm {name}: params: must be a table")
        elif template is not None:
            if control:
                if rp:
                    errors.append(
                        f"{head}: arm {name}: params: the control arm runs production as is; "
                        "move these to a treatment arm"
                    )
            else:
                arm_params = _check_params(rp, template.arm_params, f"{head}: arm {name}", errors)
        arms.append(Arm(name=name, weight=float(weight), control=control, params=arm_params))
    if template is not None:
        if not template.min_arms <= len(arms) <= template.max_arms:
            errors.append(
                f"{head}: arm: {len(arms)} arms; template {template.id} takes "
                f"{template.min_arms} to {template.max_arms}"
            )
        controls = [a.name for a in arms if a.control]
        if len(controls) != 1:
            errors.append(f"{head}: arm: exactly one arm must be the control (found {len(controls)})")
    total = sum(a.weight for a in arms)
    if arms and abs(total - 1.0) > WEIGHT_TOLERANCE:
        parts = " + ".join(f"{a.weight:g}" for a in arms)
        errors.append(f"{head}: arm weights: {parts} = {total:g}, must sum to 1")

    prs: dict[str, PullRef] = {}
    raw_prs = data.get("prs", {})
    if isinstance(raw_prs, Mapping):
        for repo_id, pr in raw_prs.items():
            if isinstance(pr, Mapping) and isinstance(pr.get("number"), int):
                github = str(pr.get("github", ""))
                if github and not _GITHUB_RE.match(github):  # it goes into API URLs
                    errors.append(f"{head}: prs.{repo_id}.github: {github!r} is not owner/name")
                    continue
                prs[repo_id] = PullRef(
                    repo=repo_id,
                    github=github,
                    number=pr["number"],
                    url=str(pr.get("url", "")),
                    branch=str(pr.get("branch", "")),
                    head_sha=str(pr.get("head_sha", "")),
                    base_sha=str(pr.get("base_sha", "")),
                )
    if errors:
        raise ManifestError(errors)
    return Manifest(
        id=mid,
        template=tid,
        state=state,
        hypothesis=data.get("hypothesis", ""),
        owner=data.get("owner", ""),
        coverage=float(coverage),
        params=params,
        arms=arms,
        prs=prs,
        path=source,
    )


def load_manifest(path: str | Path, templates: Mapping[str, Template]) -> Manifest:
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a FIFO or device would block or never end
            raise ManifestError([f"{path}: not a regular file; a manifest is a TOML file"])
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError([f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]) from None
    except OSError as exc:
        raise ManifestError([f"{path}: cannot read manifest: {exc.strerror or exc}"]) from None
    from atlas.bounded import InputLimitError, toml_loads

    try:
        data = toml_loads(text, str(path))  # a depth limit: RecursionError otherwise
    except InputLimitError as exc:
        raise ManifestError([str(exc)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError([f"{path}: not valid TOML: {exc}"]) from None
    return parse_manifest(data, templates, path)


def manifests_dir(catalog_root: Path) -> Path:
    return Path(catalog_root) / "experiments"


def find_manifest(catalog_root: Path, ref: str) -> Path:
    """An experiment id or a manifest path -> the manifest's path."""
    candidate = Path(ref)
    if candidate.suffix == ".toml" or "/" in ref:
        return candidate
    return manifests_dir(catalog_root) / f"{ref}.toml"


def list_manifests(catalog_root: Path) -> list[Path]:
    d = manifests_dir(catalog_root)
    return sorted(d.glob("*.toml")) if d.is_dir() else []


# ---------------------------------------------------------------------------- writing


def new_manifest_text(
    template: Template,
    experiment_id: str,
    *,
    hypothesis: str = "",
    owner: str = "",
    coverage: float = 0.1,
    params: Mapping[str, Any] | None = None,
    arms: list[Arm] | None = None,
    rng: "random.Random | None" = None,
) -> str:
    """The TOML of a new draft manifest (defaults from the template for what is not given).
    A `random = true` parameter (the hash seed) gets a fresh value, so two experiments do not
    bucket users identically by default; `rng` makes that reproducible in tests."""
    import random

    import tomlkit

    rng = rng or random.SystemRandom()

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Experiment manifest, template {template.id!r} (atlas experiment wizard)."))
    doc.add(tomlkit.comment("Check with `atlas experiment plan`, open the PRs with `atlas experiment apply`."))
    doc.add(tomlkit.nl())
    doc["id"] = experiment_id
    doc["template"] = template.id
    doc["state"] = "draft"
    doc["hypothesis"] = hypothesis
    doc["owner"] = owner
    doc["coverage"] = coverage
    ptable = tomlkit.table()
    values = {p.name: p.default for p in template.experiment_params if p.default is not None}
    for p in template.experiment_params:
        if p.random and p.name not in (params or {}):
            values[p.name] = rng.randint(int(p.min), int(p.max))  # type: ignore[arg-type]
    values.update(params or {})
    for name, value in values.items():
        ptable[name] = value
        spec = template.param(name)
        if spec is not None and spec.help:
            ptable[name].comment(spec.help)
    doc["params"] = ptable
    if arms is None:
        treatment = {p.name: p.default for p in template.arm_params if p.default is not None}
        arms = [Arm("control", 0.5, True), Arm("treatment", 0.5, False, treatment)]
    aot = tomlkit.aot()
    for arm in arms:
        t = tomlkit.table()
        t["name"] = arm.name
        t["weight"] = arm.weight
        if arm.control:
            t["control"] = True
        if arm.params:
            at = tomlkit.table()
            for k, v in arm.params.items():
                at[k] = v
            t["params"] = at
        aot.append(t)
    doc["arm"] = aot
    return tomlkit.dumps(doc)


def write_new_manifest(path: Path, text: str) -> None:
    """Create the manifest; never replace one (two `experiment new --id X` at once: the
    second is refused, even when the first appeared after it looked)."""
    from atlas.fsutil import atomic_create_text

    try:
        atomic_create_text(path, text)
    except FileExistsError:
        raise ManifestError([f"{path}: already exists; pick another --id or edit it"]) from None


def update_manifest(path: Path, change: Callable[[Any], None]) -> None:
    """Edit a manifest with tomlkit (comments kept) as catalog edits are made: under the
    write lock from read to rename (two applies, or apply and the TUI, never lose each
    other's state or PRs), its BOM and line endings kept, depth-bounded, atomic."""
    from atlas.catalog.writeback import WritebackError, edit_document

    try:
        edit_document(path, change)
    except WritebackError as exc:
        raise ManifestError([str(exc)]) from None


def set_state(path: Path, state: str, *, merged_at: float | None = None) -> None:
    """Write the state; `merged_at` (epoch s, with state "merged") also records when the set
    merged, once: `atlas experiment watch` counts the experiment's traffic from it."""
    if state not in STATES:
        raise ValueError(state)

    def change(doc: Any) -> None:
        doc["state"] = state
        if state == "merged" and merged_at is not None and "merged_at" not in doc:
            import datetime

            doc["merged_at"] = datetime.datetime.fromtimestamp(int(merged_at), datetime.timezone.utc)

    update_manifest(path, change)


def record_prs(path: Path, prs: Mapping[str, PullRef], state: str | None = None) -> None:
    """Write the pull requests (and optionally the state) into the manifest's [prs.*]."""
    import tomlkit

    def change(doc: Any) -> None:
        if state is not None:
            doc["state"] = state
        if "prs" not in doc:
            doc.add(tomlkit.nl())
            doc.add(tomlkit.comment("Written by `atlas experiment apply`: one pull request per repo."))
            doc["prs"] = tomlkit.table(is_super_table=True)
        table = doc["prs"]
        for repo_id, pr in prs.items():
            entry = tomlkit.table()
            entry["github"] = pr.github
            entry["number"] = pr.number
            entry["url"] = pr.url
            entry["branch"] = pr.branch
            entry["head_sha"] = pr.head_sha
            entry["base_sha"] = pr.base_sha
            table[repo_id] = entry

    update_manifest(path, change)
