"""YAML edits with ruamel.yaml's round trip: comments, quotes and the file's own indentation
are kept. A new entry copies the flow style (`{model: ranker, alias: x}`) its siblings use
for the same key, so it reads like the entries a person wrote."""

from __future__ import annotations

import io
import re
from typing import Any

from atlas.experiments.errors import EditError


def _yaml(mapping: int = 2, sequence: int = 2, offset: int = 0) -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long lines
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel names them, from the file's own lines."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    mapping = 0
    prev_indent = None
    for ln in lines:
        indent = len(ln) - len(ln.lstrip(" "))
        if prev_indent is not None and indent > prev_indent and not ln.lstrip().startswith("- "):
            mapping = indent - prev_indent
            break
        prev_indent = indent if ln.rstrip().endswith(":") else None
    mapping = mapping or 2
    sequence, offset = mapping, 0
    for i, ln in enumerate(lines):
        m = re.match(r"^( *)- ", ln)
        if m and i > 0 and lines[i - 1].rstrip().endswith(":"):
            parent = len(lines[i - 1]) - len(lines[i - 1].lstrip(" "))
            offset = len(m.group(1)) - parent
            sequence = offset + 2
            break
    return mapping, sequence, offset


def load(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise EditError(f"not valid YAML: {str(exc).splitlines()[0]}") from None


def _commented(value: Any, sibling: Any = None) -> Any:
    """Plain data -> ruamel's commented types, mimicking a sibling's flow/block style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            sib = sibling.get(k) if isinstance(sibling, dict) else None
            out[k] = _commented(v, sib)
        if sibling is not None and hasattr(sibling, "fa") and sibling.fa.flow_style():
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        out = CommentedSeq(_commented(v) for v in value)
        if sibling is not None and hasattr(sibling, "fa") and sibling.fa.flow_style():
            out.fa.set_flow_style()
        return out
    return value


def _blank_line_style(text: str, indent: int) -> bool:
    """Whether the file separates entries at this indent with a blank line (then so do we)."""
    return re.search(r"\n[ \t]*\n" + " " * indent + r"[^ \n]", text) is not None


def _node(doc: Any, at: tuple[str, ...]) -> Any:
    from atlas.experiments.select import child, describe

    node = doc
    for i, key in enumerate(at):
        node = child(node, key)
        if node is None:
            raise EditError(f"no {'item' if key.startswith('[') else 'key'} {describe(at[: i + 1])!r}")
    return node


def _plain_eq(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_plain_eq(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_plain_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def apply(text: str, op: str, entries) -> str:
    from ruamel.yaml.error import YAMLError

    load(text)
    indents = detect_indent(text)
    y = _yaml(*indents)
    try:
        doc = y.load(text)
    except YAMLError as exc:
        raise EditError(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    changed = False
    for entry in entries:
        node = _node(doc, entry.at)
        if op in ("set", "put"):
            if not isinstance(node, dict):
                raise EditError(f"{'.'.join(entry.at)!r} is not a mapping")
            items = entry.value.items() if op == "set" else [(entry.key, entry.value)]
            sibling = next(iter(node.values()), None) if node else None
            for key, value in items:
                if key in node and _plain_eq(node[key], value):
                    continue
                is_new = key not in node
                node[key] = _commented(value, sibling if op == "put" else node.get(key))
                if is_new and op == "put" and _blank_line_style(text, len(entry.at) * indents[0]):
                    node.yaml_set_comment_before_after_key(key, before="\n", indent=len(entry.at) * indents[0])
                changed = True
        elif op == "append":
            if not isinstance(node, list):
                raise EditError(f"{'.'.join(entry.at)!r} is not a list")
            want = entry.value.get(entry.match)
            idx = next((i for i, el in enumerate(node) if isinstance(el, dict) and el.get(entry.match) == want), None)
            sibling = node[0] if node else None
            if idx is None:
                node.append(_commented(entry.value, sibling))
                changed = True
            elif not _plain_eq(node[idx], entry.value):
                node[idx] = _commented(entry.value, sibling)
                changed = True
        else:
            raise EditError(f"unknown edit {op!r}")
    if not changed:
        return text
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()
