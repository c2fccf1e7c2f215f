"""Parameter values typed by a person (CLI `--set`, the wizard's fields) and target paths:
parsing, range/choice/pattern checks, and keeping a target inside its repo. Pure."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas.experiments.template import ParamSpec


def parse_value(param: ParamSpec, text: str) -> Any:
    """Text typed by a person (CLI --set, wizard field) -> a typed value. Raises ValueError."""
    raw = text.strip()
    kind = param.type
    if kind == "choice":
        for choice in param.choices:
            if str(choice) == raw:
                return choice
        raise ValueError(f"must be {param.describe_range()}")
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("must be a whole number") from None
    if kind == "float":
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value
    if kind == "bool":
        low = raw.lower()
        if low in ("true", "yes", "1", "on"):
            return True
        if low in ("false", "no", "0", "off"):
            return False
        raise ValueError("must be true or false")
    return raw


def check_value(param: ParamSpec, value: Any) -> str | None:
    """A typed value against the parameter's type, range, choices and pattern."""
    kind = param.type
    if kind == "choice":
        return None if value in param.choices else f"must be {param.describe_range()}"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        return "must be a whole number"
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if not math.isfinite(float(value)):
            return "must be a finite number"
    if kind == "str":
        if not isinstance(value, str):
            return "must be text"
        if param.required and not value:
            return "must not be empty"
        if param.pattern and value and not re.fullmatch(param.pattern, value):
            return f"must match {param.pattern}"
        return None
    if param.min is not None and value < param.min or param.max is not None and value > param.max:
        return f"{value} is out of range ({param.describe_range()})"
    return None


def validate_value(param: ParamSpec, text: str) -> str | None:
    """For the wizard's as-you-type validation: None when fine, else the reason."""
    try:
        value = parse_value(param, text)
    except ValueError as exc:
        return str(exc)
    return check_value(param, value)


def path_problem(path: Any) -> str | None:
    """Why a target path could escape its repo (None when it is safe)."""
    if not isinstance(path, str) or not path:
        return "must be a non-empty repo-relative path"
    if "\\" in path or "\x00" in path:
        return f"{path!r} must not contain backslashes or NUL bytes"
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return f"{path!r} must be relative to the repo, not absolute"
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return f"{path!r} must stay inside the repo (no '..', '.' or empty segments)"
    if any(p.lower() == ".git" for p in parts):  # any depth, any case (case-insensitive file systems)
        return f"{path!r} must not point into .git"
    return None
