"""The path language templates use to point into a document (docs/experiments.md, "Paths").

A path is segments joined by dots; a segment is one of

    name            a key of a mapping ("features", "experiments")
    "a.b"           a key with dots or spaces in it, double-quoted
    * or [*]        every value of a mapping, every item of a list
    [field=value]   the items of a list (or values of a mapping) whose `field` equals `value`
                    (true/false/numbers compare as such, anything else as text)
    [field]         the items whose `field` is present and not false/empty
    [0]             the item of a list at that index
    @key            the key (mapping) or index (list) of the current item, as a value

`$entry` as the first segment stands for the experiment's own entries in the target (see
invariants.py). Selecting returns every match with its location, so a message can say
exactly where a value is. Pure; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from atlas.experiments.errors import ExperimentError

_FILTER = re.compile(r"^\[([A-Za-z0-9_.-]+)(?:=(.*))?\]$")
_INDEX = re.compile(r"^\[(\d+)\]$")


class PathError(ExperimentError):
    """A path that does not parse (one line naming it)."""


@dataclass(frozen=True, slots=True)
class Match:
    value: Any
    where: str  # e.g. experiments[key=exp-x].arms[1].weight


def split_path(text: str) -> list[str]:
    """'a."b.c"[x=1].*' -> ['a', 'b.c', '[x=1]', '*'] (a filter is its own segment)."""
    out: list[str] = []
    i, cur = 0, ""
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise PathError(f"path {text!r}: unclosed quote")
            cur += text[i + 1 : end]
            i = end + 1
            continue
        if ch == "[":
            end = text.find("]", i)
            if end < 0:
                raise PathError(f"path {text!r}: unclosed [")
            if cur:
                out.append(cur)
                cur = ""
            out.append(text[i : end + 1])
            i = end + 1
            continue
        if ch == ".":
            if cur:
                out.append(cur)
            cur = ""
            i += 1
            continue
        cur += ch
        i += 1
    if cur:
        out.append(cur)
    if not out:
        raise PathError(f"path {text!r} is empty")
    return out


def literal(text: str) -> Any:
    """The value of a filter's right-hand side: true/false/int/float, else the text."""
    low = text.strip()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(low)
    except ValueError:
        pass
    try:
        return float(low)
    except ValueError:
        return low.strip('"')


def same(a: Any, b: Any) -> bool:
    """Equality that keeps True apart from 1 (YAML and TOML booleans are not numbers)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def is_filter(segment: str) -> bool:
    return bool(_FILTER.match(segment)) and not _INDEX.match(segment)


def item_matches(item: Any, segment: str) -> bool:
    m = _FILTER.match(segment)
    if not m or not isinstance(item, Mapping):
        return False
    field, want = m.group(1), m.group(2)
    value = get_field(item, field)
    value = value.unwrap() if hasattr(value, "unwrap") else value  # tomlkit items
    if want is None:
        return value not in (None, False, "", [], {})
    return same(value, literal(want)) or (isinstance(value, str) and value == want)


def get_field(item: Any, dotted: str) -> Any:
    node = item
    for key in dotted.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _children(node: Any, prefix: str) -> Iterator[tuple[Any, Any, str]]:
    """(key, value, where) of a mapping's values or a list's items."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield k, v, f"{prefix}.{k}" if prefix else str(k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = _item_label(v, i)
            yield i, v, f"{prefix}{label}"


def _item_label(item: Any, index: int) -> str:
    """How a list item is named in a location: by a name/key/id field when it has one."""
    if isinstance(item, Mapping):
        for field in ("key", "name", "id"):
            if isinstance(item.get(field), (str, int)) and not isinstance(item.get(field), bool):
                return f"[{field}={item[field]}]"
    return f"[{index}]"


def step(node: Any, segment: str, prefix: str = "", key: Any = None) -> list[tuple[Any, str, Any]]:
    """One segment applied to one node -> [(value, where, key)]."""
    if segment in ("*", "[*]"):
        return [(v, w, k) for k, v, w in _children(node, prefix)]
    if segment == "@key":
        return [] if key is None else [(key, f"{prefix}.@key", key)]
    m = _INDEX.match(segment)
    if m:
        i = int(m.group(1))
        if isinstance(node, list) and i < len(node):
            return [(node[i], f"{prefix}[{i}]", i)]
        return []
    if _FILTER.match(segment):
        out = []
        for k, v, w in _children(node, prefix):
            if item_matches(v, segment):
                out.append((v, w, k))  # named by the item itself ([key=...]), not the filter
        return out
    if isinstance(node, Mapping) and segment in node:
        return [(node[segment], f"{prefix}.{segment}" if prefix else segment, segment)]
    return []


def select(node: Any, path: str | list[str], prefix: str = "") -> list[Match]:
    """Every value the path reaches from `node`, with its location."""
    segments = split_path(path) if isinstance(path, str) else list(path)
    current: list[tuple[Any, str, Any]] = [(node, prefix, None)]
    previous = ""
    for seg in segments:
        if is_filter(seg) and is_filter(previous):
            # filters in a row narrow the same items: features[enabled=true][producer]
            current = [(v, w, k) for v, w, k in current if item_matches(v, seg)]
            continue
        previous = seg
        nxt: list[tuple[Any, str, Any]] = []
        for value, where, key in current:
            nxt.extend(step(value, seg, where, key))
        current = nxt
    return [Match(v, w) for v, w, _ in current]


def describe(segments: list[str] | tuple[str, ...]) -> str:
    """Segments back to one readable path."""
    out = ""
    for seg in segments:
        if seg.startswith("["):
            out += seg
        else:
            out += ("." if out else "") + (f'"{seg}"' if "." in seg else seg)
    return out


def child(node: Any, segment: str) -> Any:
    """The one child an edit path segment names (a key, [field=value] or [index]), or None.
    Edit paths (`at`) address one place, so a filter takes the first matching item."""
    if _INDEX.match(segment):
        i = int(segment[1:-1])
        return node[i] if isinstance(node, list) and i < len(node) else None
    if _FILTER.match(segment):
        values = list(node.values()) if isinstance(node, Mapping) else node if isinstance(node, list) else []
        return next((v for v in values if item_matches(v, segment)), None)
    if isinstance(node, Mapping) and segment in node:
        return node[segment]
    return None
