"""Filter, order and page a list the way Vertex AI's List methods document it (pure).

- filter: AIP-160 (google.aip.dev/160), the subset the List methods document
  (googleapis google/cloud/aiplatform/v1/pipeline_service.proto ListPipelineJobsRequest.filter,
  schedule_service.proto ListSchedulesRequest.filter): comparisons `= != < > <= >=`, `:` (has /
  wildcard), `NOT` / `-`, `AND`, `OR` (which binds tighter than AND in AIP-160), parentheses.
  Only the fields each method lists, each with only the operators it lists; timestamps must
  be RFC 3339. Anything else is INVALID_ARGUMENT. The protos name fields in snake_case; the
  REST reference pages render the same names in lowerCamel, so both spellings are read.
- order_by: "field [desc], field ..." over the documented fields; default create_time desc.
- paging (AIP-158): page_size negative is INVALID_ARGUMENT, 0 means the default, above the
  maximum is coerced (neither method documents a maximum: `page_cap` stands in for it, and the
  client must follow next_page_token, never count on a full page); a page token is only valid
  with the filter and order of the request that produced it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Any


class InvalidArgument(ValueError):
    """Answered as HTTP 400 INVALID_ARGUMENT."""


TIME_OPS = ("=", "!=", "<", ">", "<=", ">=")


@dataclass(frozen=True, slots=True)
class Field:
    ops: tuple[str, ...]
    kind: str = "str"  # str | time | labels
    values: tuple[str, ...] = ()  # an enum's names: another value is INVALID_ARGUMENT


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def spellings(fields: dict[str, Field]) -> dict[str, tuple[str, Field]]:
    out = {}
    for name, f in fields.items():
        out[name] = (name, f)
        out[".".join(_camel(p) for p in name.split("."))] = (name, f)
    return out


_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op><=|>=|!=|=|<|>|:)|(?P<str>"(?:[^"\\]|\\.)*")'
                    r'|(?P<word>[^\s()=<>!:"]+))')


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise InvalidArgument(f"Invalid filter: unexpected {text[pos:pos + 10]!r} at {pos}")
        kind = m.lastgroup
        value = m.group(kind)
        out.append((kind, json.loads(value) if kind == "str" else value))
        pos = m.end()
    return out


class _Parser:
    """expr := seq {AND seq} | seq seq (juxtaposition is AND); seq := factor {OR factor};
    factor := [NOT | -] (( expr ) | comparison)."""

    def __init__(self, text: str, fields: dict[str, Field]) -> None:
        self.toks, self.i, self.fields, self.text = _tokens(text), 0, spellings(fields), text

    def peek(self, n: int = 0) -> tuple[str, str] | None:
        return self.toks[self.i + n] if self.i + n < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise InvalidArgument(f"Invalid filter {self.text!r}: unexpected end")
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.peek() is not None:
            raise InvalidArgument(f"Invalid filter {self.text!r}: unexpected {self.peek()[1]!r}")
        return node

    def expr(self):
        parts = [self.seq()]
        while self.peek() is not None and self.peek()[0] != "rp":
            if self.peek() == ("word", "AND"):
                self.take()
            parts.append(self.seq())
        return ("and", parts) if len(parts) > 1 else parts[0]

    def seq(self):
        parts = [self.factor()]
        while self.peek() == ("word", "OR"):
            self.take()
            parts.append(self.factor())
        return ("or", parts) if len(parts) > 1 else parts[0]

    def factor(self):
        tok = self.take()
        if tok in (("word", "NOT"), ("word", "-")):
            return ("not", self.factor())
        if tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
            self.toks.insert(self.i, ("word", tok[1][1:]))
            return ("not", self.factor())
        if tok[0] == "lp":
            node = self.expr()
            if self.take()[0] != "rp":
                raise InvalidArgument(f"Invalid filter {self.text!r}: missing ')'")
            return node
        if tok[0] != "word" or tok[1] in ("AND", "OR"):
            raise InvalidArgument(f"Invalid filter {self.text!r}: expected a field, got {tok[1]!r}")
        op = self.take()
        if op[0] != "op":
            raise InvalidArgument(f"Invalid filter {self.text!r}: expected an operator after {tok[1]!r}")
        value = self.take()
        if value[0] not in ("str", "word"):
            raise InvalidArgument(f"Invalid filter {self.text!r}: expected a value after {tok[1]}{op[1]}")
        return self.comparison(tok[1], op[1], value[1])

    def comparison(self, name: str, op: str, value: str):
        label = None
        if name.startswith("labels.") and "labels" in self.fields:
            name, label = "labels", name.split(".", 1)[1]
        if name not in self.fields:
            raise InvalidArgument(f"Unsupported filter field: {name!r}")
        canonical, spec = self.fields[name]
        if op not in spec.ops:
            raise InvalidArgument(f"Operator {op!r} is not supported for filter field {name!r}")
        if spec.kind == "time" and not (op == ":" and value == "*"):
            value = _rfc3339(value, name)
        if spec.values and value not in spec.values:
            raise InvalidArgument(f"Invalid value {value!r} for filter field {name!r}")
        return ("cmp", canonical, label, op, value)


def _rfc3339(text: str, name: str) -> float:
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)", text):
        raise InvalidArgument(f"Invalid timestamp {text!r} for filter field {name!r}: must be RFC 3339")
    frac = re.search(r"\.(\d+)", text)
    base = dt.datetime.fromisoformat(re.sub(r"\.\d+", "", text).replace("Z", "+00:00")).timestamp()
    return base + (float("0." + frac.group(1)) if frac else 0.0)


def parse_filter(text: str | None, fields: dict[str, Field]):
    return _Parser(text, fields).parse() if text and text.strip() else None


def matches(node, item: dict[str, Any]) -> bool:
    if node is None:
        return True
    kind = node[0]
    if kind == "and":
        return all(matches(n, item) for n in node[1])
    if kind == "or":
        return any(matches(n, item) for n in node[1])
    if kind == "not":
        return not matches(node[1], item)
    _, name, label, op, value = node
    actual = item.get(name)
    if label is not None:
        actual = (actual or {}).get(label)
        if op == ":":
            return actual is not None and (value == "*" or actual == value)
    if op == ":":
        if value == "*":
            return actual is not None
        return isinstance(actual, str) and fnmatch.fnmatchcase(actual, value if "*" in value else f"*{value}*")
    if actual is None:
        return op == "!="
    try:
        return {"=": actual == value, "!=": actual != value, "<": actual < value, ">": actual > value,
                "<=": actual <= value, ">=": actual >= value}[op]
    except TypeError:
        return False


def parse_order(text: str | None, allowed: set[str]) -> list[tuple[str, bool]]:
    if not text or not text.strip():
        return [("create_time", True)]
    out = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise InvalidArgument(f"Invalid order_by {text!r}")
        name = words[0]
        snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)
        if snake not in allowed:
            raise InvalidArgument(f"Unsupported order_by field {name!r}")
        out.append((snake, len(words) == 2 and words[1].lower() == "desc"))
    return out


def order(items: list[dict], keys: list[tuple[str, bool]]) -> list[dict]:
    out = list(items)
    for name, desc in reversed(keys):  # stable sorts, last key first
        present = [i for i in out if i.get(name) is not None]
        missing = [i for i in out if i.get(name) is None]
        present.sort(key=lambda i: i[name], reverse=desc)
        out = present + missing
    return out


def page_size(raw: str | None, default: int, cap: int) -> int:
    try:
        n = int(raw or 0)
    except ValueError:
        raise InvalidArgument(f"Invalid value for page_size: {raw!r}") from None
    if n < 0:
        raise InvalidArgument("page_size must not be negative")
    return default if n == 0 else min(n, cap)


def encode_token(offset: int, flt: str, order_by: str) -> str:
    raw = json.dumps({"o": offset, "f": flt, "b": order_by}, sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, flt: str, order_by: str) -> int:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset = int(state["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidArgument("Invalid page token") from None
    if state.get("f") != flt or state.get("b") != order_by:
        raise InvalidArgument("Invalid page token: the filter or order_by differs from the request that made it")
    return offset
