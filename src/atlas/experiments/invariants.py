"""Declared invariants: what must agree across an experiment's target files, as template data.

    [[experiment_template.invariant]]
    id = "weights"
    title = "serving arm weights sum to 1"
    relation = "sums-to"                       # present | equal | member-of | each-in |
    subject = { target = "serving", path = "$entry.arms[*].weight" }   # sums-to | within-range
    value = 1.0
    must = true                                # unchecked is then a refusal, not a warning

A selector names a target (by its `name`) and a path (select.py) into that target's document;
`$entry` starts at the experiment's own entries there (the items whose owner field holds the
experiment key). `fields` turns each match into a tuple of sub-values (to compare several
fields together), `split` cuts text values into tokens and `exclude` drops values.

An invariant whose selector finds nothing is *not checked* (with the reason), never ok.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from atlas.experiments.select import Match, PathError, literal, same, select, split_path

RELATIONS = ("present", "equal", "member-of", "each-in", "sums-to", "within-range")
_RANGE = re.compile(r"^\s*([\[(])\s*(-?[0-9.eE+-]*)\s*,\s*(-?[0-9.eE+-]*)\s*([\])])\s*$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")
TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Selector:
    target: str
    path: str
    fields: tuple[str, ...] = ()
    split: str = ""
    exclude: tuple[str, ...] = ()

    def describe(self) -> str:
        extra = f" {{{', '.join(self.fields)}}}" if self.fields else ""
        return f"{self.path}{extra}"


@dataclass(frozen=True, slots=True)
class Range:
    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool
    text: str

    def contains(self, x: float) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)):
            return False
        return True


@dataclass(frozen=True, slots=True)
class Invariant:
    id: str
    title: str
    relation: str
    subject: Selector
    reference: Selector | None = None
    value: Any = None  # equal / sums-to: the expected value
    values: tuple = ()  # member-of: the allowed values (or a reference)
    range: Range | None = None
    must: bool = False
    message: str = ""


@dataclass(slots=True)
class DocView:
    """One target's document as the invariants see it."""

    name: str  # target name
    where: str  # "owner/repo path" for messages
    doc: Any = None
    entries: list[Match] = field(default_factory=list)  # the experiment's own entries
    missing: str = ""  # why there is no document ("" when there is one)


@dataclass(slots=True)
class Outcome:
    id: str
    title: str
    problems: list[str] = field(default_factory=list)
    unchecked: str = ""  # why it could not be evaluated ("" when it was)
    must: bool = False

    @property
    def status(self) -> str:
        if self.problems:
            return "fail"
        return "unchecked" if self.unchecked else "ok"


# ---------------------------------------------------------------------------- parsing


def parse_range(text: Any) -> Range | None:
    if not isinstance(text, str):
        return None
    m = _RANGE.match(text)
    if not m:
        return None
    try:
        low = float(m.group(2)) if m.group(2) else None
        high = float(m.group(3)) if m.group(3) else None
    except ValueError:
        return None
    return Range(low, m.group(1) == "[", high, m.group(4) == "]", text.strip())


def _parse_selector(raw: Any, fld: str, targets: set[str], errors: list[str]) -> Selector | None:
    if not isinstance(raw, Mapping):
        errors.append(f"{fld}: must be a table like {{ target = \"serving\", path = \"$entry.arms[*]\" }}")
        return None
    target, path = raw.get("target"), raw.get("path")
    if target not in targets:
        errors.append(f"{fld}.target: unknown target {target!r} (targets: {', '.join(sorted(targets))})")
        return None
    if not isinstance(path, str) or not path:
        errors.append(f"{fld}.path: missing")
        return None
    try:
        split_path(path)
        for f in raw.get("fields", []) or []:
            split_path(f)
    except PathError as exc:
        errors.append(f"{fld}: {exc}")
        return None
    fields = raw.get("fields", []) or []
    exclude = raw.get("exclude", []) or []
    if isinstance(exclude, str):
        exclude = [exclude]
    if not all(isinstance(x, str) for x in list(fields) + list(exclude)):
        errors.append(f"{fld}: fields and exclude must be lists of text")
        return None
    return Selector(target, path, tuple(fields), str(raw.get("split", "")), tuple(exclude))


def parse_invariant(raw: Any, i: int, targets: set[str], errors: list[str]) -> Invariant | None:
    """One raw [[experiment_template.invariant]] -> Invariant; problems appended to errors as
    'invariant <id>: field: message' (the caller prefixes file and template)."""
    if not isinstance(raw, Mapping):
        errors.append(f"invariant[{i}]: must be a table")
        return None
    iid = raw.get("id")
    if not isinstance(iid, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", iid):
        errors.append(f"invariant[{i}].id: must be a lowercase id like aliases")
        return None
    fld = f"invariant {iid}"
    before = len(errors)
    relation = raw.get("relation")
    if relation not in RELATIONS:
        errors.append(f"{fld}.relation: must be one of {', '.join(RELATIONS)}")
    subject = _parse_selector(raw.get("subject"), f"{fld}.subject", targets, errors)
    reference = None
    if "reference" in raw:
        reference = _parse_selector(raw["reference"], f"{fld}.reference", targets, errors)
    rng = None
    if relation == "within-range":
        rng = parse_range(raw.get("range"))
        if rng is None:
            errors.append(f"{fld}.range: must be an interval like \"(0, 1]\"")
    if relation == "sums-to" and (isinstance(raw.get("value"), bool) or not isinstance(raw.get("value"), (int, float))):
        errors.append(f"{fld}.value: sums-to needs a number")
    if relation == "each-in" and reference is None and "reference" not in raw:
        errors.append(f"{fld}.reference: each-in needs the selector of the allowed values")
    if relation == "member-of" and reference is None and not raw.get("values") and "reference" not in raw:
        errors.append(f"{fld}: member-of needs `values = [...]` or a reference selector")
    if relation == "equal" and reference is None and "value" not in raw and "reference" not in raw:
        errors.append(f"{fld}: equal needs `value` or a reference selector")
    if len(errors) > before or subject is None:
        return None
    return Invariant(
        id=iid,
        title=str(raw.get("title", iid)),
        relation=relation,
        subject=subject,
        reference=reference,
        value=raw.get("value"),
        values=tuple(raw.get("values", ()) or ()),
        range=rng,
        must=bool(raw.get("must", False)),
        message=str(raw.get("message", "")),
    )


# ---------------------------------------------------------------------------- evaluation


def _expand(text: str, ctx: Mapping[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(ctx.get(m.group(1), m.group(0))), text)


def values_of(sel: Selector, views: Mapping[str, DocView], ctx: Mapping[str, Any]) -> tuple[list[Match], str]:
    """(matches, why-empty). why-empty is "" when there is at least one match."""
    view = views.get(sel.target)
    if view is None:
        return [], f"target {sel.target} does not apply to this experiment"
    if view.missing:
        return [], f"{view.where}: {view.missing}"
    path = _expand(sel.path, ctx)
    segs = split_path(path)
    if segs[0] == "$entry":
        if not view.entries:
            return [], f"{view.where}: the experiment has no entry there"
        found = [m for e in view.entries for m in (select(e.value, segs[1:], e.where) if segs[1:] else [e])]
    else:
        found = select(view.doc, segs)
    if sel.fields:
        found = [
            Match(tuple(next(iter(select(m.value, f)), Match(None, "")).value for f in sel.fields), m.where)
            for m in found
        ]
    if sel.split:
        found = [
            Match(tok, m.where)
            for m in found
            for tok in (str(m.value).split(sel.split) if isinstance(m.value, str) else [m.value])
            if tok != ""
        ]
    if sel.exclude:
        drop: set[Any] = set()
        for ex in sel.exclude:
            text = _expand(ex, ctx)
            drop.update(text.split(sel.split) if sel.split else [text])
        found = [m for m in found if not (isinstance(m.value, str) and m.value in drop)]
    if not found:
        return [], f"{view.where}: {sel.describe()} found nothing"
    return found, ""


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _say(inv: Invariant, default: str, **kw: Any) -> str:
    text = inv.message or default
    try:
        return text.format(**kw)
    except (KeyError, IndexError, ValueError):
        return default.format(**kw)


def _hashable(v: Any) -> Any:
    return v if isinstance(v, (str, int, float, bool, tuple, type(None))) else repr(v)


def evaluate(inv: Invariant, views: Mapping[str, DocView], ctx: Mapping[str, Any]) -> Outcome:
    out = Outcome(inv.id, inv.title, must=inv.must)
    subject, why = values_of(inv.subject, views, ctx)
    sview = views.get(inv.subject.target)
    swhere = sview.where if sview else inv.subject.target
    if inv.relation == "present":
        if why and sview is not None and not sview.missing:
            out.problems.append(_say(inv, "{target}: nothing at {path}", target=swhere, path=inv.subject.describe(),
                                     where=swhere, value="", known="", total="", expected=""))
        elif why:
            out.unchecked = why
        return out
    if why:
        out.unchecked = why
        return out
    allowed: list[Any] | None = None
    rwhere = ""
    if inv.reference is not None:
        ref, rwhy = values_of(inv.reference, views, ctx)
        if rwhy:
            out.unchecked = rwhy
            return out
        allowed = [m.value for m in ref]
        rview = views.get(inv.reference.target)
        rwhere = rview.where if rview else inv.reference.target
    elif inv.relation == "member-of":
        allowed = [literal(v) if isinstance(v, str) else v for v in inv.values]
        rwhere = "the allowed values"
    common = {"target": swhere, "reference": rwhere, "path": inv.subject.describe()}
    if inv.relation in ("each-in", "member-of"):
        known = sorted({_show(v) for v in allowed or []})
        shown = ", ".join(known[:8]) + (f" (+{len(known) - 8} more)" if len(known) > 8 else "")
        for m in subject:
            if not any(same(m.value, a) or m.value == a for a in allowed or []):
                out.problems.append(_say(inv, "{target} {where}: {value} is not among {reference} ({known})",
                                         where=m.where, value=_show(m.value), known=shown or "none",
                                         total="", expected="", **common))
    elif inv.relation == "equal":
        value = _expand(inv.value, ctx) if isinstance(inv.value, str) else inv.value
        expected = [value] if allowed is None else allowed
        want = {_hashable(v) for v in expected}
        for m in subject:
            if not any(same(m.value, e) for e in expected):
                out.problems.append(_say(inv, "{target} {where}: {value}, expected {expected}",
                                         where=m.where, value=_show(m.value), known="", total="",
                                         expected=" or ".join(sorted(_show(v) for v in want)), **common))
    elif inv.relation == "sums-to":
        nums = [_number(m.value) for m in subject]
        if any(n is None for n in nums):
            bad = next(m for m, n in zip(subject, nums) if n is None)
            out.problems.append(f"{swhere} {bad.where}: {_show(bad.value)} is not a number")
            return out
        total = sum(nums)  # type: ignore[arg-type]
        if not math.isclose(total, float(inv.value), abs_tol=TOLERANCE):
            parts = " + ".join(_show(m.value) for m in subject)
            out.problems.append(_say(inv, "{target} {path}: {known} = {total}, must be {expected}",
                                     where=subject[0].where, value=parts, known=parts, total=f"{total:g}",
                                     expected=_show(inv.value), **common))
    elif inv.relation == "within-range":
        assert inv.range is not None
        for m in subject:
            n = _number(m.value)
            if n is None or not inv.range.contains(n):
                out.problems.append(_say(inv, "{target} {where}: {value} is outside {expected}",
                                         where=m.where, value=_show(m.value), known="", total="",
                                         expected=inv.range.text, **common))
    return out


def evaluate_all(invariants, views: Mapping[str, DocView], ctx: Mapping[str, Any]) -> list[Outcome]:
    return [evaluate(inv, views, ctx) for inv in invariants]
