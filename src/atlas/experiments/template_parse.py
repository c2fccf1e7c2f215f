"""Parsing experiment templates: the catalog's raw `[[experiment_template]]` tables into
Templates, validated field by field so every mistake is one line naming the file, the
template and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from atlas.experiments.template import ParamSpec, TargetSpec, Template
from atlas.experiments.values import check_value, path_problem

PARAM_TYPES = ("int", "float", "str", "bool", "choice")
SCOPES = ("experiment", "arm")
# helm: a Helm chart's values.yaml (YAML, edited the same way; named for the reader).
FORMATS = ("toml", "yaml", "json", "helm")
# set: merge keys into an existing table; put: one mapping entry (per treatment arm with
# each = "treatment"); append: one list element, matched by `match` (the experiment key).
OPS = ("set", "put", "append")
MERGE_METHODS = ("merge", "squash", "rebase")
# Built-in placeholders every template may use.
BUILTINS = ("id", "hypothesis", "owner", "coverage", "model", "template")
ARM_BUILTINS = ("name", "weight")
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class _Collector:
    def __init__(self, source: Path | None, template_id: str) -> None:
        self.where = f"{source}: " if source else ""
        self.template_id = template_id
        self.errors: list[str] = []

    def add(self, fld: str, message: str) -> None:
        self.errors.append(f"{self.where}experiment_template {self.template_id}: {fld}: {message}")


def _placeholders(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, str):
        found.update(_PLACEHOLDER.findall(value))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            found |= _placeholders(k) | _placeholders(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            found |= _placeholders(v)
    return found


def _parse_param(raw: Any, i: int, col: _Collector) -> ParamSpec | None:
    fld = f"param[{i}]"
    if not isinstance(raw, Mapping):
        col.add(fld, "must be a table")
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name or ""):
        col.add(f"{fld}.name", "must be a lowercase identifier like learning_rate")
        return None
    fld = f"param {name}"
    kind = raw.get("type", "str")
    if kind not in PARAM_TYPES:
        col.add(f"{fld}.type", f"unknown type {kind!r} (one of {', '.join(PARAM_TYPES)})")
        return None
    scope = raw.get("scope", "experiment")
    if scope not in SCOPES:
        col.add(f"{fld}.scope", f"must be one of {', '.join(SCOPES)}")
        return None
    choices = tuple(raw.get("choices", ()))
    if kind == "choice" and not choices:
        col.add(f"{fld}.choices", "a choice parameter needs a non-empty choices list")
        return None
    lo, hi = raw.get("min"), raw.get("max")
    for bound, v in (("min", lo), ("max", hi)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            col.add(f"{fld}.{bound}", "must be a number")
            return None
    if lo is not None and hi is not None and lo > hi:
        col.add(f"{fld}.min", f"min {lo} is above max {hi}")
        return None
    pattern = raw.get("pattern", "")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            col.add(f"{fld}.pattern", f"invalid regular expression: {exc}")
            return None
    spec = ParamSpec(
        name=name,
        type=kind,
        scope=scope,
        default=raw.get("default"),
        min=lo,
        max=hi,
        choices=choices,
        pattern=pattern,
        help=str(raw.get("help", "")),
        required=bool(raw.get("required", True)),
        random=bool(raw.get("random", False)),
    )
    if spec.random and (spec.type != "int" or spec.min is None or spec.max is None):
        col.add(f"{fld}.random", "a random parameter must be an int with min and max")
        return None
    if spec.default is not None:
        problem = check_value(spec, spec.default)
        if problem:
            col.add(f"{fld}.default", problem)
            return None
    return spec


def _parse_target(
    raw: Any, i: int, params: dict[str, ParamSpec], control_keys: set[str], col: _Collector
) -> TargetSpec | None:
    fld = f"target[{i}]"
    if not isinstance(raw, Mapping):
        col.add(fld, "must be a table")
        return None
    ok = True
    repo = raw.get("repo")
    if not isinstance(repo, str) or not repo:
        col.add(f"{fld}.repo", "missing (the catalog repo id, e.g. data-pipelines)")
        ok = False
    problem = path_problem(raw.get("path"))
    if problem:
        col.add(f"{fld}.path", problem)
        ok = False
    fmt = raw.get("format") or _format_from_path(raw.get("path"))
    if fmt not in FORMATS:
        col.add(f"{fld}.format", f"must be one of {', '.join(FORMATS)}")
        ok = False
    op = raw.get("op")
    if op not in OPS:
        col.add(f"{fld}.op", f"must be one of {', '.join(OPS)}")
        ok = False
    at = raw.get("at", [])
    if not isinstance(at, list) or not all(isinstance(a, str) and a for a in at):
        col.add(f"{fld}.at", "must be a list of keys, e.g. [\"features\", \"{feature}\"]")
        ok = False
    if "value" not in raw:
        col.add(f"{fld}.value", "missing: the entry the experiment writes")
        ok = False
    merge_method = raw.get("merge_method", "")
    if merge_method not in ("",) + MERGE_METHODS:
        col.add(f"{fld}.merge_method", f"must be one of {', '.join(MERGE_METHODS)}")
        ok = False
    wait_for = raw.get("wait_for", {})
    if not isinstance(wait_for, Mapping) or (wait_for and not isinstance(wait_for.get("check"), str)):
        col.add(f"{fld}.wait_for", "must be a table like { check = \"model-registered\", timeout_s = 600 }")
        ok = False
    from atlas.experiments.select import is_filter

    if raw.get("ended") and not (isinstance(raw["ended"], str) and is_filter(raw["ended"])):
        col.add(f"{fld}.ended", "must be a filter like \"[status=concluded]\"")
        ok = False
    for text_field in ("name", "title", "owner", "model"):
        if not isinstance(raw.get(text_field, ""), str):
            col.add(f"{fld}.{text_field}", "must be text")
            ok = False
    each = raw.get("each", "")
    if each not in ("", "treatment"):
        col.add(f"{fld}.each", "must be \"treatment\" (one entry per non-control arm) or absent")
        ok = False
    if op == "put" and not raw.get("key"):
        col.add(f"{fld}.key", "op = \"put\" needs the mapping key, e.g. \"{arm.variant}\"")
        ok = False
    if op == "append" and not raw.get("match"):
        col.add(f"{fld}.match", "op = \"append\" needs `match`, the field holding the experiment key")
        ok = False
    if each and op != "put":
        col.add(f"{fld}.each", "only op = \"put\" can write one entry per arm")
        ok = False
    when = raw.get("when", "")
    if when and when not in params:
        col.add(f"{fld}.when", f"unknown parameter {when!r}")
        ok = False
    if not ok:
        return None
    known = set(BUILTINS) | {p.name for p in params.values() if p.scope == "experiment"}
    arm_known = {f"arm.{n}" for n in ARM_BUILTINS} | {f"arm.{p.name}" for p in params.values() if p.scope == "arm"}
    arm_known |= {f"arm.{k}" for k in control_keys}
    scoped = known | (arm_known if each else set())
    per_arm = _each_arm_values(raw["value"])
    unknown = sorted(
        (_placeholders([raw.get("at"), raw.get("key", ""), _strip_each_arm(raw["value"])]) - scoped)
        | (_placeholders(per_arm) - known - arm_known)
    )
    if unknown:
        col.add(f"{fld}.value", "unknown placeholder " + ", ".join("{" + u + "}" for u in unknown))
        return None
    return TargetSpec(
        repo=repo,
        path=raw["path"],
        format=fmt,
        op=op,
        at=tuple(at),
        value=raw["value"],
        key=raw.get("key", ""),
        match=raw.get("match", ""),
        each=each,
        when=when,
        name=str(raw.get("name") or repo),
        title=str(raw.get("title", "")),
        owner=str(raw.get("owner", "")),
        model=str(raw.get("model", "")),
        merge_method=merge_method,
        wait_for=dict(wait_for),
        ended=str(raw.get("ended", "")),
        order=int(raw.get("order", i)),
    )


def _each_arm_values(value: Any) -> list:
    """The per-arm item templates under `{"$each_arm": {...}}` anywhere in a value."""
    found: list = []
    if isinstance(value, Mapping):
        if "$each_arm" in value:
            found.append(value["$each_arm"])
        else:
            for v in value.values():
                found.extend(_each_arm_values(v))
    elif isinstance(value, list):
        for v in value:
            found.extend(_each_arm_values(v))
    return found


def _strip_each_arm(value: Any) -> Any:
    if isinstance(value, Mapping):
        if "$each_arm" in value:
            return None
        return {k: _strip_each_arm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_each_arm(v) for v in value]
    return value


def _format_from_path(path: Any) -> str:
    if isinstance(path, str):
        for suffix, fmt in ((".toml", "toml"), (".yaml", "yaml"), (".yml", "yaml"), (".json", "json")):
            if path.endswith(suffix):
                return fmt
    return ""


def parse_template(raw: Mapping[str, Any], source: Path | None = None) -> tuple[Template | None, list[str]]:
    """One raw `[[experiment_template]]` table -> (Template or None, error lines)."""
    tid = raw.get("id") if isinstance(raw.get("id"), str) else "?"
    col = _Collector(source, tid)
    if not isinstance(raw.get("id"), str) or not _ID.match(raw["id"]):
        col.add("id", "must be a lowercase id like ranker")
        return None, col.errors
    model = raw.get("model")
    if not isinstance(model, str) or not model:
        col.add("model", "missing: the model the experiment trains (e.g. ranker)")
    control = raw.get("control", {})
    if not isinstance(control, Mapping):
        col.add("control", "must be a table of the control arm's values (alias, feature_set...)")
        control = {}
    params: dict[str, ParamSpec] = {}
    for i, rp in enumerate(raw.get("param", []) or []):
        spec = _parse_param(rp, i, col)
        if spec is None:
            continue
        if spec.name in params:
            col.add(f"param {spec.name}", "declared twice")
            continue
        if spec.name in BUILTINS:
            col.add(f"param {spec.name}", f"{spec.name!r} is built in; pick another name")
            continue
        params[spec.name] = spec
    raw_targets = raw.get("target", []) or []
    if not raw_targets:
        col.add("target", "a template needs at least one [[experiment_template.target]]")
    targets = []
    for i, rt in enumerate(raw_targets):
        t = _parse_target(rt, i, params, set(control), col)
        if t is not None:
            targets.append(t)
    names = [t.name for t in targets]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        col.add("target", f"two targets are named {dup!r}; give each a distinct `name`")
    from atlas.experiments.invariants import parse_invariant

    invariants = []
    inv_errors: list[str] = []
    # invariants name targets: with a broken target their errors would only echo it
    for i, ri in enumerate([] if col.errors else raw.get("invariant", []) or []):
        inv = parse_invariant(ri, i, set(names), inv_errors)
        if inv is not None:
            if any(x.id == inv.id for x in invariants):
                inv_errors.append(f"invariant {inv.id}: declared twice")
                continue
            invariants.append(inv)
    for e in inv_errors:
        col.errors.append(f"{col.where}experiment_template {col.template_id}: {e}")
    traffic = raw.get("traffic", {})
    if not isinstance(traffic, Mapping) or (traffic and (traffic.get("target") not in names or not traffic.get("path")
                                                        or not traffic.get("seed"))):
        col.add("traffic", "must be { target = <target name>, path = <running entries>, seed = <field>, "
                           "param = <seed parameter> }")
        traffic = {}
    if col.errors:
        return None, col.errors
    return (
        Template(
            id=raw["id"],
            model=model,
            description=str(raw.get("description", "")),
            params=tuple(params.values()),
            targets=tuple(targets),
            control=dict(control),
            min_arms=int(raw.get("min_arms", 2)),
            max_arms=int(raw.get("max_arms", 6)),
            invariants=tuple(invariants),
            traffic=dict(traffic),
            adopted=tuple(str(x) for x in raw.get("adopted", []) or []),
            watch=dict(raw.get("watch", {})) if isinstance(raw.get("watch", {}), Mapping) else {},
            source=source,
        ),
        [],
    )


def parse_templates(raw: Mapping[str, Mapping[str, Any]], source: Path | None = None) -> tuple[dict[str, Template], list[str]]:
    """The catalog's `experiment_templates` (id -> raw table) -> (templates, error lines)."""
    templates: dict[str, Template] = {}
    errors: list[str] = []
    for tid, table in raw.items():
        src = source
        if src is None and isinstance(table, Mapping) and table.get("__source__"):
            src = Path(str(table["__source__"]))
        if isinstance(table, Mapping) and "id" not in table:
            table = {**table, "id": tid}
        tpl, errs = parse_template(table, src)
        errors.extend(errs)
        if tpl is not None:
            templates[tpl.id] = tpl
    return templates, errors


def load_templates_file(path: Path) -> tuple[dict[str, Template], list[str]]:
    """Templates straight from one TOML file (for tools and tests without a full catalog)."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: TOML syntax, or bytes that are not UTF-8
        return {}, [f"{path}: cannot read experiment templates: {exc}"]
    raw = {}
    for t in data.get("experiment_template", []):
        tid = t.get("id", "?") if isinstance(t, Mapping) else "?"
        raw[str(tid)] = t
    return parse_templates(raw, Path(path))
