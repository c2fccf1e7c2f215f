"""Reading scenario fields: durations relative to now, and validators that name the field.

Every check raises `ScenarioError` with one line naming the entry and the field, so a
mistake in a scenario file reads as a sentence, never a traceback.
"""

from __future__ import annotations

import math
import re
from typing import Any

_DURATION = re.compile(r"^\s*(-?)\s*((?:\d+(?:\.\d+)?[smhd])+)\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ScenarioError(ValueError):
    """A scenario file that cannot be served; the message is one line for a person."""


def parse_offset(text: Any, where: str, *, relative: bool = True) -> float:
    """'-25m' -> -1500.0 seconds; 'now' -> 0. With relative=False a positive span ('2m')."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    elif isinstance(text, str) and text.strip() == "now" and relative:
        return 0.0
    elif isinstance(text, str) and (m := _DURATION.match(text)):
        value = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(m.group(2)))
        value *= -1 if m.group(1) else 1
    else:
        example = '"-25m", "-3h" or "now"' if relative else '"30s", "2m" or "1h"'
        raise ScenarioError(f"{where}: {text!r} is not a duration (use {example})")
    if relative and value > 0:
        raise ScenarioError(f"{where}: {text!r} is in the future; times are relative to now, e.g. \"-{text}\"")
    if not relative and value <= 0:
        raise ScenarioError(f"{where}: {text!r} must be a positive duration")
    return value


# -- small validators: each names the entry and the field ------------------------------------

def only(e: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(e) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: must be a table")
    return value


def array(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ScenarioError(f"[[{key}]]: must be an array of tables (write [[{key}]])")
    return value


def named_tables(data: dict, key: str, table_name: str, allowed: set[str]):
    """(entry, its display_name, where) for each table of the array `key` of `data`, each a
    table of `allowed` fields with a display_name used once; `table_name` names the array in
    errors ("kubeflow.recurring_run")."""
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise ScenarioError(f"[[{table_name}]]: must be an array of tables")
    seen: set[str] = set()
    for i, e in enumerate(entries, 1):
        where = f"[[{table_name}]] #{i}"
        if not isinstance(e, dict):
            raise ScenarioError(f"{where}: must be a table")
        only(e, allowed, where)
        name = string(e, "display_name", where)
        where = f"{where} ({name})"
        if name in seen:
            raise ScenarioError(f"{where}: display_name is used twice")
        seen.add(name)
        yield e, name, where


_MISSING = object()


def string(e: dict, key: str, where: str, default: Any = _MISSING) -> str:
    if key not in e:
        if default is _MISSING:
            raise ScenarioError(f"{where}: missing required field {key!r}")
        return default
    if not isinstance(e[key], str) or not e[key].strip():
        raise ScenarioError(f"{where} {key}: must be a non-empty string")
    return e[key]


def number(v: Any, where: str) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
        raise ScenarioError(f"{where}: must be a number (got {v!r})")
    return float(v)


def choice(e: dict, key: str, choices: tuple[str, ...], where: str, default: str | None) -> str:
    if key not in e:
        if default is None:
            raise ScenarioError(f"{where}: missing required field {key!r} (one of {', '.join(choices)})")
        return default
    value = e[key]
    if value not in choices:
        raise ScenarioError(f"{where} {key}: {value!r} is not one of {', '.join(choices)}")
    return value


def labels(e: dict, key: str, where: str) -> dict[str, str]:
    value = e.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ScenarioError(f"{where} {key}: must be a table of string values, e.g. {{ job_name = \"x\" }}")
    return dict(value)

