"""TOML edits with tomlkit: comments, blank lines and key order survive; a replaced value
keeps the comment at the end of its line."""

from __future__ import annotations

import tomllib
from typing import Any

from atlas.experiments.errors import EditError


def load(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EditError(f"not valid TOML: {exc}") from None


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def _container(doc: Any, at: tuple[str, ...]) -> Any:
    from atlas.experiments.select import child, describe

    node = doc
    for i, key in enumerate(at):
        node = child(node, key)
        if node is None:
            raise EditError(f"no {'item' if key.startswith('[') else 'table'} {describe(at[: i + 1])!r}")
    return node


def _set(table: Any, key: str, value: Any) -> bool:
    import tomlkit

    if key in table:
        old = table.item(key) if hasattr(table, "item") else table[key]
        if _plain(old) == value:
            return False
        new = tomlkit.item(value)
        trivia = getattr(old, "trivia", None)
        if trivia is not None and hasattr(new, "trivia"):
            new.trivia.comment = trivia.comment
            new.trivia.comment_ws = trivia.comment_ws
        table[key] = new
        return True
    table[key] = value
    return True


def apply(text: str, op: str, entries) -> str:
    import tomlkit

    load(text)
    doc = tomlkit.parse(text)
    changed = False
    for entry in entries:
        node = _container(doc, entry.at)
        if op == "set":
            if not hasattr(node, "keys"):
                raise EditError(f"{'.'.join(entry.at)!r} is not a table")
            for key, value in entry.value.items():
                changed |= _set(node, key, value)
        elif op == "put":
            if not hasattr(node, "keys"):
                raise EditError(f"{'.'.join(entry.at)!r} is not a table")
            changed |= _set(node, entry.key, entry.value)
        elif op == "append":
            if not isinstance(_plain(node), list):
                raise EditError(f"{'.'.join(entry.at)!r} is not an array")
            want = entry.value.get(entry.match)
            idx = next(
                (i for i, el in enumerate(node) if isinstance(_plain(el), dict) and _plain(el).get(entry.match) == want),
                None,
            )
            if idx is None:
                node.append(entry.value)
                changed = True
            elif _plain(node[idx]) != entry.value:
                node[idx] = entry.value
                changed = True
        else:
            raise EditError(f"unknown edit {op!r}")
    return tomlkit.dumps(doc) if changed else text
