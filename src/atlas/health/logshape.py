"""Log filter shapes: batching log signals that differ only in one label's value.

Cloud Logging has no `one_of`, and its read quota is small (ListLogEntries: 60 per minute
per project), so one request per component does not scale. Most log-signal templates are
ANDed `field="value"` terms where the component fills one value, e.g.

    resource.type="k8s_container" AND labels.pipeline="{pipeline}" AND severity>=ERROR

Components of one template then share a *shape* (the same fields and operators); the
batched request keeps the terms every member has in common and drops the varying ones, and
each returned entry is attributed back to components by reading the varying fields from the
entry itself. A filter that does not parse as ANDed simple terms (OR, NOT, parentheses,
functions) or varies in a field atlas cannot read from an entry is not batched.

Pure: no I/O (entries are read through their protobuf attributes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERM = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(>=|<=|!=|=|>|<|:)\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_.\-:/+]+)\s*$')
_AND = re.compile(r'\s+AND\s+')
_READABLE = re.compile(r"^(resource\.type|logName|log_name|resource\.labels\.[A-Za-z0-9_]+|labels\.[A-Za-z0-9_]+"
                       r"|jsonPayload\.[A-Za-z0-9_.]+)$")


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    op: str
    value: str  # as written (with quotes if quoted)

    @property
    def text(self) -> str:
        return f"{self.field}{self.op}{self.value}"

    @property
    def literal(self) -> str | None:
        """The unquoted string value, or None when the value is not a quoted string."""
        if len(self.value) >= 2 and self.value[0] == '"' and self.value[-1] == '"':
            return re.sub(r"\\(.)", r"\1", self.value[1:-1])
        return None


def _split_and(text: str) -> list[str] | None:
    """Split on top-level AND, outside quotes; None when OR/NOT/parentheses appear."""
    parts, buf, quoted, i = [], [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        if not quoted:
            if ch in "()":
                return None
            m = _AND.match(text, i)
            if m:
                parts.append("".join(buf))
                buf = []
                i = m.end()
                continue
        buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts  # an OR or NOT left inside a part fails the term pattern in parse()


def parse(text: str) -> list[Term] | None:
    """ANDed simple terms, or None when the filter is anything more complex."""
    parts = _split_and(text.strip())
    if not parts:
        return None
    terms = []
    for part in parts:
        m = _TERM.match(part)
        if not m:
            return None
        terms.append(Term(m.group(1), m.group(2), m.group(3)))
    return terms


def shape(terms: list[Term]) -> tuple[tuple[str, str], ...]:
    return tuple((t.field, t.op) for t in terms)


def varying_positions(filters: list[list[Term]]) -> list[int] | None:
    """Positions whose value differs between members; None when one of them cannot be
    read back from an entry (so the batch could not attribute entries)."""
    first = filters[0]
    out = []
    for i, term in enumerate(first):
        if any(f[i].value != term.value for f in filters[1:]):
            if term.op != "=" or not _READABLE.match(term.field) or any(f[i].literal is None for f in filters):
                return None
            out.append(i)
    return out


def entry_field(entry, field: str) -> str | None:
    """The value of a readable filter field on a raw LogEntry protobuf, as a string."""
    if field == "resource.type":
        return entry.resource.type
    if field in ("logName", "log_name"):
        return entry.log_name
    if field.startswith("resource.labels."):
        return entry.resource.labels.get(field[len("resource.labels."):])
    if field.startswith("labels."):
        return entry.labels.get(field[len("labels."):])
    if field.startswith("jsonPayload."):
        if entry.WhichOneof("payload") != "json_payload":
            return None
        node = entry.json_payload
        path = field[len("jsonPayload."):].split(".")
        for j, key in enumerate(path):
            if key not in node.fields:
                return None
            value = node.fields[key]
            if j == len(path) - 1:
                return value.string_value if value.WhichOneof("kind") == "string_value" else None
            if value.WhichOneof("kind") != "struct_value":
                return None
            node = value.struct_value
    return None
