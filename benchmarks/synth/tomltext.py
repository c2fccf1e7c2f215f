"""TOML literals for the generated files: written by hand, so the output is byte-stable."""

from __future__ import annotations

import json


def q(value: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML for these ASCII values)."""
    return json.dumps(value)


def q_list(values: list[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def inline(table: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{k} = {q(v)}" for k, v in table.items()) + " }" if table else "{}"



def toml_value(value) -> str:
    """Any signal-template value: bool, number, string, list of strings or inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return q(value)
    if isinstance(value, list):
        return q_list(value)
    return inline(value)
