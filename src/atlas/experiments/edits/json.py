"""JSON edits that keep every byte outside the edited entry: the file is scanned for the
spans of its values, and only the experiment's entry is inserted or replaced, dumped with
the file's own indentation. Key order, spacing and the trailing newline stay as they were."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from atlas.experiments.errors import EditError

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass
class Node:
    kind: str  # "object" | "array" | "scalar"
    start: int
    end: int  # exclusive
    members: list[tuple[str, "Node"]] = field(default_factory=list)  # object
    items: list["Node"] = field(default_factory=list)  # array
    key_starts: list[int] = field(default_factory=list)  # object: offset of each member's key


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()


def _value(text: str, i: int) -> Node:
    i = _skip(text, i)
    if i >= len(text):
        raise EditError("unexpected end of JSON")
    ch = text[i]
    if ch == "{":
        node = Node("object", i, i)
        j = _skip(text, i + 1)
        if text[j : j + 1] == "}":
            node.end = j + 1
            return node
        while True:
            j = _skip(text, j)
            if text[j : j + 1] != '"':
                raise EditError(f"expected a key at offset {j}")
            node.key_starts.append(j)
            key, j = json.decoder.scanstring(text, j + 1)
            j = _skip(text, j)
            if text[j : j + 1] != ":":
                raise EditError(f"expected ':' at offset {j}")
            child = _value(text, j + 1)
            node.members.append((key, child))
            j = _skip(text, child.end)
            if text[j : j + 1] == ",":
                j += 1
                continue
            if text[j : j + 1] == "}":
                node.end = j + 1
                return node
            raise EditError(f"expected ',' or '}}' at offset {j}")
    if ch == "[":
        node = Node("array", i, i)
        j = _skip(text, i + 1)
        if text[j : j + 1] == "]":
            node.end = j + 1
            return node
        while True:
            child = _value(text, j)
            node.items.append(child)
            j = _skip(text, child.end)
            if text[j : j + 1] == ",":
                j += 1
                continue
            if text[j : j + 1] == "]":
                node.end = j + 1
                return node
            raise EditError(f"expected ',' or ']' at offset {j}")
    if ch == '"':
        _, j = json.decoder.scanstring(text, i + 1)
        return Node("scalar", i, j)
    for literal in ("true", "false", "null"):
        if text.startswith(literal, i):
            return Node("scalar", i, i + len(literal))
    m = _NUMBER.match(text, i)
    if m and m.end() > i:
        return Node("scalar", i, m.end())
    raise EditError(f"unexpected character {ch!r} at offset {i}")


def scan(text: str) -> Node:
    return _value(text, 0)


def load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditError(f"not valid JSON: {exc}") from None


def detect_indent(text: str) -> str:
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            return line[: len(line) - len(stripped)]
    return "  "


def _line_indent(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    m = re.match(r"[ \t]*", text[start:pos])
    return m.group(0) if m else ""


class _Doc:
    """A JSON text being edited in place, with the style to dump new values in."""

    def __init__(self, text: str) -> None:
        load(text)  # clear error for invalid JSON before scanning
        self.text = text
        self.unit = detect_indent(text)
        self.ascii = text.isascii()

    def dump(self, value: Any, indent: str) -> str:
        out = json.dumps(value, indent=self.unit, ensure_ascii=self.ascii)
        return out.replace("\n", "\n" + indent)

    def node_at(self, at: tuple[str, ...]) -> Node:
        node = scan(self.text)
        walked = []
        from atlas.experiments.select import child as pick
        from atlas.experiments.select import is_filter

        for key in at:
            walked.append(key)
            if node.kind == "array" and (is_filter(key) or key.startswith("[")):
                items = [json.loads(self.text[c.start : c.end]) for c in node.items]
                hit = pick(items, key)
                if hit is None:
                    raise EditError(f"no item {'.'.join(walked)!r}")
                node = node.items[next(i for i, v in enumerate(items) if v is hit)]
                continue
            if node.kind != "object":
                raise EditError(f"{'.'.join(walked[:-1]) or 'the top level'} is not an object")
            found = [child for k, child in node.members if k == key]
            if not found:
                raise EditError(f"no key {'.'.join(walked)!r}")
            node = found[-1]
        return node

    def replace(self, node: Node, value: Any) -> None:
        indent = _line_indent(self.text, node.start)
        self.text = self.text[: node.start] + self.dump(value, indent) + self.text[node.end :]

    def insert_item(self, parent: Node, rendered_prefix: str, value: Any) -> None:
        """Add a member/item after the last one, on its own line at the siblings' indent."""
        children = [c for _, c in parent.members] if parent.kind == "object" else parent.items
        if children:
            last = children[-1]
            first_start = parent.key_starts[0] if parent.kind == "object" else children[0].start
            indent = _line_indent(self.text, first_start)
            piece = ",\n" + indent + rendered_prefix + self.dump(value, indent)
            self.text = self.text[: last.end] + piece + self.text[last.end :]
        else:
            outer = _line_indent(self.text, parent.start)
            indent = outer + self.unit
            close = "}" if parent.kind == "object" else "]"
            opening = "{" if parent.kind == "object" else "["
            body = opening + "\n" + indent + rendered_prefix + self.dump(value, indent) + "\n" + outer + close
            self.text = self.text[: parent.start] + body + self.text[parent.end :]


def _key_prefix(doc: _Doc, key: str) -> str:
    return json.dumps(key, ensure_ascii=doc.ascii) + ": "


def apply(text: str, op: str, entries) -> str:
    """Apply the experiment's entries; returns `text` itself when nothing changes."""
    doc = _Doc(text)
    for entry in entries:
        if op == "append":
            arr = doc.node_at(entry.at)
            if arr.kind != "array":
                raise EditError(f"{'.'.join(entry.at)!r} is not a list")
            data = json.loads(doc.text[arr.start : arr.end])
            want = entry.value.get(entry.match)
            idx = next((i for i, el in enumerate(data) if isinstance(el, dict) and el.get(entry.match) == want), None)
            if idx is None:
                doc.insert_item(arr, "", entry.value)
            elif data[idx] != entry.value:
                doc.replace(arr.items[idx], entry.value)
        elif op == "put":
            obj = doc.node_at(entry.at)
            if obj.kind != "object":
                raise EditError(f"{'.'.join(entry.at)!r} is not an object")
            found = [c for k, c in obj.members if k == entry.key]
            if not found:
                doc.insert_item(obj, _key_prefix(doc, entry.key), entry.value)
            elif json.loads(doc.text[found[-1].start : found[-1].end]) != entry.value:
                doc.replace(found[-1], entry.value)
        elif op == "set":
            if not isinstance(entry.value, dict):
                raise EditError("a set edit needs a table of keys to set")
            for key, value in entry.value.items():
                obj = doc.node_at(entry.at)
                if obj.kind != "object":
                    raise EditError(f"{'.'.join(entry.at)!r} is not an object")
                found = [c for k, c in obj.members if k == key]
                if not found:
                    doc.insert_item(obj, _key_prefix(doc, key), value)
                elif json.loads(doc.text[found[-1].start : found[-1].end]) != value:
                    doc.replace(found[-1], value)
        else:
            raise EditError(f"unknown edit {op!r}")
    return text if doc.text == text else doc.text
