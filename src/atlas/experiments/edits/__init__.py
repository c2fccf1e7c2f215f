"""Format-preserving edits, one module per format, behind one small interface:
`apply_edit(format, op, text, entries) -> text` (the same text object when nothing changes,
so a second run is a byte-for-byte no-op), `load_document(format, text)` (plain data for the
checks) and `entry_state(...)` (is the experiment's entry present, absent or different)."""

from __future__ import annotations

from typing import Any

from atlas.experiments.errors import EditError


def _module(fmt: str):
    if fmt == "helm":  # a chart's values.yaml: YAML
        fmt = "yaml"
    if fmt == "toml":
        from atlas.experiments.edits import toml as mod
    elif fmt == "yaml":
        from atlas.experiments.edits import yaml as mod
    elif fmt == "json":
        from atlas.experiments.edits import json as mod
    else:
        raise EditError(f"unknown format {fmt!r}")
    return mod


def apply_edit(fmt: str, op: str, text: str, entries) -> str:
    return _module(fmt).apply(text, op, entries)


def load_document(fmt: str, text: str) -> Any:
    """Plain data, or EditError. A repo file is anyone's input (a PR by hand, a stranger's
    commit): the depth and alias limits of atlas.bounded come first, so a deeply nested file
    or a YAML bomb is one line instead of a RecursionError or minutes of CPU."""
    from atlas.bounded import MAX_DEPTH, InputLimitError, check_depth, check_yaml

    mod = _module(fmt)
    try:
        if mod.__name__.endswith(".yaml"):
            check_yaml(text, "the file")
        data = mod.load(text)
        check_depth(data, "the file")
    except InputLimitError as exc:
        raise EditError(str(exc).removeprefix("the file: ")) from None
    except RecursionError:
        raise EditError(f"nested more than {MAX_DEPTH} levels deep (is it the right file?)") from None
    return data


def _at(doc: Any, at) -> Any:
    from atlas.experiments.select import child

    node = doc
    for key in at:
        node = child(node, key)
        if node is None:
            return None
    return node


def _contains(value: Any, needle: str) -> bool:
    if isinstance(value, str):
        return value == needle
    if isinstance(value, dict):
        return any(_contains(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_contains(v, needle) for v in value)
    return False


def entry_state(doc: Any, op: str, entry, experiment_id: str) -> str:
    """'present' (exactly as the manifest says), 'absent', or 'differs' (there, but not equal)."""
    node = _at(doc, entry.at)
    if op == "set":
        if not isinstance(node, dict):
            return "absent"
        equal = [node.get(k) == v for k, v in entry.value.items()]
        if all(equal):
            return "present"
        marked = any(_contains(node.get(k), experiment_id) for k in entry.value)
        return "differs" if marked else "absent"
    if op == "put":
        if not isinstance(node, dict) or entry.key not in node:
            return "absent"
        return "present" if node[entry.key] == entry.value else "differs"
    if op == "append":
        if not isinstance(node, list):
            return "absent"
        want = entry.value.get(entry.match)
        found = [el for el in node if isinstance(el, dict) and el.get(entry.match) == want]
        if not found:
            return "absent"
        return "present" if found[-1] == entry.value else "differs"
    raise EditError(f"unknown edit {op!r}")
