"""Checks on raw TOML tables, driven by the field table in fields.py.

Everything here is plain dict/isinstance work on purpose: the loader must stay within 2x
of bare tomllib parsing for 10,000 components, so per-entity work is a handful of dict
lookups. References are only collected here and resolved once every file is read.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import os
import re
import stat
from pathlib import Path
from typing import Callable, Iterable

from atlas.catalog.fields import (
    BOOLEAN,
    DATE,
    GITHUB_PATTERN,
    INTEGER,
    NUMBER,
    STRING,
    STRING_MAP,
    STRINGS,
    TABLE,
    TABLE_MAP,
    EntitySpec,
    Field,
)
from atlas.catalog.problems import Problem


def closest(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate a typo of `value` most likely meant, or None when nothing is close."""
    matches = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """'did you mean X?' for the closest candidate, or '' when nothing is close."""
    match = closest(value, candidates)
    return f"did you mean {match}?" if match else ""


def describe(value: object) -> str:
    """How a wrong value reads in a message: 'string "3"', 'integer 3', 'an array'."""
    if isinstance(value, str):
        return f'string "{value}"' if len(value) <= 40 else "a string"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value}"
    if isinstance(value, _dt.datetime):
        return "a date-time"
    if isinstance(value, _dt.date):
        return "a date"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


# type -> (check, what a person should write instead)
_TYPE_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    STRING: (lambda v: type(v) is str, "a string"),
    INTEGER: (lambda v: type(v) is int, "an integer"),
    NUMBER: (lambda v: type(v) is int or type(v) is float, "a number"),
    BOOLEAN: (lambda v: type(v) is bool, "true or false"),
    DATE: (lambda v: type(v) is _dt.date, "a TOML date like 2027-02-28 (no quotes)"),
    STRINGS: (lambda v: type(v) is list, "an array of strings"),
    STRING_MAP: (lambda v: type(v) is dict, "a table of strings"),
    TABLE: (lambda v: type(v) is dict, "a table"),
    TABLE_MAP: (lambda v: type(v) is dict, "a table of tables"),
}

_PATTERN_HELP = {
    r"^[a-z0-9][a-z0-9_.-]*$": "lowercase letters, digits, '_', '.', '-'; starting with a letter or digit",
    GITHUB_PATTERN: "owner/name (neither part . or ..)",
}


class Checker:
    """Collects problems and references while raw tables are checked."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # (target table, id, file, entity, field path, list index or -1): checked at the end
        self.refs: list[tuple[str, str, Path, str, str, int]] = []
        self._compiled: dict[str, re.Pattern] = {}

    def error(self, code: str, message: str, file: Path | None, entity: str = "", field: str = "",
              hint: str = "", line: int | None = None) -> None:
        self.problems.append(Problem("error", code, message, file, entity, field, hint, line))

    def warning(self, code: str, message: str, file: Path | None, entity: str = "", field: str = "",
                hint: str = "", line: int | None = None) -> None:
        self.problems.append(Problem("warning", code, message, file, entity, field, hint, line))

    # -- one entity -------------------------------------------------------------------

    def check_entity(self, spec: EntitySpec, raw: dict, file: Path, entity: str) -> None:
        """Check one raw table in place: bad values are removed so building stays safe."""
        self._check_table(spec.fields, raw, file, entity, "", allow_unknown=spec.open)

    def _check_table(self, fields: tuple[Field, ...], raw: dict, file: Path, entity: str, prefix: str,
                     allow_unknown: bool = False) -> None:
        plan = _plan(fields)
        refs = self.refs
        bad: list[str] = []
        for key, value in raw.items():
            entry = plan.get(key)
            if entry is None:
                if not allow_unknown:
                    self.warning("unknown-key", f'unknown key "{key}"', file, entity, prefix + key,
                                 did_you_mean(key, plan))
                continue
            f, fast = entry
            # Fast path: a predicate that is true when the value is entirely valid; the
            # slow path below only runs to explain what is wrong.
            if fast is not None and fast(value):
                if f.ref:
                    if f.type == STRING:
                        refs.append((f.ref, value, file, entity, prefix + key, -1))
                    else:
                        path = prefix + key
                        for i, item in enumerate(value):
                            refs.append((f.ref, item, file, entity, path, i))
                continue
            if not self._check_value(f, value, file, entity, prefix + key):
                bad.append(key)
        for key in bad:
            del raw[key]
        for f in fields:
            if f.required and f.name not in raw and f.name not in bad:
                self.error("missing-field", f'missing required field "{f.name}"', file, entity, prefix + f.name)

    def _check_value(self, f: Field, value: object, file: Path, entity: str, path: str) -> bool:
        check, wanted = _TYPE_CHECKS[f.type]
        if not check(value):
            self.error("wrong-type", f"expected {wanted}, got {describe(value)}", file, entity, path)
            return False
        t = f.type
        if t == STRING:
            return self._check_string(f, value, file, entity, path)  # type: ignore[arg-type]
        if t == STRINGS:
            ok = True
            for i, item in enumerate(value):  # type: ignore[arg-type]
                item_path = f"{path}[{i}]"
                if type(item) is not str:
                    self.error("wrong-type", f"expected a string, got {describe(item)}", file, entity, item_path)
                    ok = False
                elif not self._check_string(f, item, file, entity, item_path):
                    ok = False
            return ok
        if t == STRING_MAP:
            ok = True
            for key, item in value.items():  # type: ignore[union-attr]
                item_path = f"{path}.{key}"
                if type(item) is not str:
                    self.error("wrong-type", f"expected a string, got {describe(item)}", file, entity, item_path)
                    ok = False
                    continue
                if f.enum and item not in f.enum:
                    self._bad_enum(f, item, file, entity, item_path)
                    ok = False
                if f.key_ref:
                    self.refs.append((f.key_ref, key, file, entity, item_path, -1))
            return ok
        if t == TABLE:
            self._check_table(f.fields, value, file, entity, path + ".")  # type: ignore[arg-type]
            return True
        if t == TABLE_MAP:
            ok = True
            for key, sub in value.items():  # type: ignore[union-attr]
                sub_path = f"{path}.{key}"
                if type(sub) is not dict:
                    self.error("wrong-type", f"expected a table, got {describe(sub)}", file, entity, sub_path)
                    ok = False
                    continue
                self._check_table(f.fields, sub, file, entity, sub_path + ".")
                if f.key_ref:
                    self.refs.append((f.key_ref, key, file, entity, sub_path, -1))
            return ok
        if type(value) is float and not math.isfinite(value):
            self.error("bad-value", f"{value} is not a finite number", file, entity, path,
                       "write an ordinary number; leave the key out to have no threshold")
            return False
        if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):  # type: ignore[operator]
            lo = "" if f.minimum is None else f"{f.minimum:g}"
            hi = "" if f.maximum is None else f"{f.maximum:g}"
            rng = f"between {lo} and {hi}" if lo and hi else (f"at least {lo}" if lo else f"at most {hi}")
            self.error("out-of-range", f"{value} is out of range: must be {rng}", file, entity, path)
            return False
        return True

    def _check_string(self, f: Field, value: str, file: Path, entity: str, path: str) -> bool:
        if f.enum and value not in f.enum:
            self._bad_enum(f, value, file, entity, path)
            return False
        if f.pattern:
            rx = self._compiled.get(f.pattern)
            if rx is None:
                rx = self._compiled[f.pattern] = re.compile(f.pattern)
            if rx.match(value) is None:
                code = "bad-id" if f.name == "id" else "bad-value"
                help_ = _PATTERN_HELP.get(f.pattern, f"pattern {f.pattern}")
                self.error(code, f'"{value}" is not valid: expected {help_}', file, entity, path)
                return False
        if f.ref:
            self.refs.append((f.ref, value, file, entity, path, -1))
        return True

    def _bad_enum(self, f: Field, value: str, file: Path, entity: str, path: str) -> None:
        if f.name in ("kind", "kinds"):
            self.error("unknown-kind", f'unknown kind "{value}"', file, entity, path, did_you_mean(value, f.enum))
        else:
            allowed = ", ".join(f.enum)
            self.error("bad-value", f'"{value}" is not one of {allowed}', file, entity, path,
                       did_you_mean(value, f.enum))

    # -- across entities ----------------------------------------------------------------

    def resolve_refs(self, known: dict[str, dict]) -> None:
        """Report every reference to an id that no entity of that type has."""
        suggestions: dict[tuple[str, str], str] = {}
        for target, value, file, entity, path, index in self.refs:
            ids = known.get(target)
            if ids is None or value in ids:
                continue
            hint = suggestions.get((target, value))
            if hint is None:
                hint = suggestions[(target, value)] = did_you_mean(value, ids)
            field_path = path if index < 0 else f"{path}[{index}]"
            self.error("unknown-reference", f'unknown {target} "{value}"', file, entity, field_path, hint)


_PLANS: dict[int, dict[str, tuple[Field, Callable[[object], bool] | None]]] = {}


def _plan(fields: tuple[Field, ...]) -> dict[str, tuple[Field, Callable[[object], bool] | None]]:
    plan = _PLANS.get(id(fields))
    if plan is None:
        plan = _PLANS[id(fields)] = {f.name: (f, _fast_predicate(f)) for f in fields}
    return plan


def _fast_predicate(f: Field) -> Callable[[object], bool] | None:
    """A cheap test that is True only for an entirely valid value (None: always check fully)."""
    t = f.type
    lo = f.minimum if f.minimum is not None else float("-inf")
    hi = f.maximum if f.maximum is not None else float("inf")
    if t == STRING:
        if f.enum:
            allowed = frozenset(f.enum)
            return lambda v: type(v) is str and v in allowed
        if f.pattern:
            match = re.compile(f.pattern).match
            return lambda v: type(v) is str and match(v) is not None
        return lambda v: type(v) is str
    if t == STRINGS:
        if f.enum:
            allowed = frozenset(f.enum)
            return lambda v: type(v) is list and all(type(x) is str and x in allowed for x in v)
        return lambda v: type(v) is list and all(type(x) is str for x in v)
    if t == STRING_MAP:
        if f.enum or f.key_ref:
            return None
        return lambda v: type(v) is dict and all(type(x) is str for x in v.values())
    if t == INTEGER:
        return lambda v: type(v) is int and lo <= v <= hi
    if t == NUMBER:
        # isfinite: nan compares false with every threshold and inf can never be crossed
        return lambda v: (type(v) is int or (type(v) is float and math.isfinite(v))) and lo <= v <= hi
    if t == BOOLEAN:
        return lambda v: type(v) is bool
    if t == DATE:
        return lambda v: type(v) is _dt.date
    return None


class RunbookChecker:
    """Runbook paths must be workspace-relative and stay inside it (symlinks included)."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = os.path.realpath(workspace)
        self._prefix = self.workspace.rstrip(os.sep) + os.sep
        self._dirs: dict[str, str] = {}

    def check(self, runbook: str) -> tuple[str, str] | None:
        """None when fine, else (severity, message)."""
        if os.path.isabs(runbook) or runbook.startswith("~"):
            return ("error", f'runbook "{runbook}" is absolute: use a path relative to the workspace')
        parent, name = os.path.split(runbook)
        real_parent = self._dirs.get(parent)
        if real_parent is None:
            real_parent = self._dirs[parent] = os.path.realpath(os.path.join(self.workspace, parent))
        full = os.path.join(real_parent, name)
        if name in (".", ".."):  # "runbooks/../.." names a folder above the workspace
            full = os.path.normpath(full)
        try:
            st = os.lstat(full)  # one syscall for the common case: a plain file
            if stat.S_ISLNK(st.st_mode):
                full = os.path.realpath(full)
                st = os.stat(full)
        except OSError:
            st = None
            if os.path.islink(full):  # a dangling link: judge where it points
                full = os.path.realpath(full)
        if not (full + os.sep).startswith(self._prefix):
            return ("error", f'runbook "{runbook}" points outside the workspace')
        if st is not None and stat.S_ISDIR(st.st_mode):
            return ("warning", f'runbook "{runbook}" is a directory, not a Markdown file')
        if st is None or not stat.S_ISREG(st.st_mode):
            return ("warning", f'runbook file "{runbook}" does not exist')
        return None
