"""Filter, sort and page a list the way the KFP API server does.

From github.com/kubeflow/pipelines, backend/src/apiserver:
- server/list_request_util.go `parseAPIFilter`: the `filter` query value is url.QueryUnescape'd
  once more after the HTTP layer decoded it (so a literal `+` turns into a space), then read
  as a protojson `Filter` {"predicates": [{"operation", "key", "<type>_value"}]};
- filter/filter.go: operations EQUALS .. IS_SUBSTRING; `timestamp_value` compares as Unix
  seconds; a key outside the model's APIToModelFieldMap is refused ("no support for
  filtering on unrecognized field");
- list/list.go: page_size 0 -> 20, above 200 -> 200, negative refused; sort_by is
  "field", "field asc" or "field desc" on a known field; a page_token carries the filter and
  order of the first request (NewOptionsFromToken ignores the request's own filter).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import unquote_plus

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200

_OPS = {
    "EQUALS": lambda a, b: a == b, "NOT_EQUALS": lambda a, b: a != b,
    "GREATER_THAN": lambda a, b: a > b, "GREATER_THAN_EQUALS": lambda a, b: a >= b,
    "LESS_THAN": lambda a, b: a < b, "LESS_THAN_EQUALS": lambda a, b: a <= b,
    "IN": lambda a, b: a in b, "IS_SUBSTRING": lambda a, b: isinstance(a, str) and b in a,
}
_OP_NUMBERS = {1: "EQUALS", 2: "NOT_EQUALS", 3: "GREATER_THAN", 5: "GREATER_THAN_EQUALS",
               6: "LESS_THAN", 7: "LESS_THAN_EQUALS", 8: "IN", 9: "IS_SUBSTRING"}
_VALUE_KEYS = {  # protojson accepts the proto name and the lowerCamel JSON name
    "int_value": "int", "intValue": "int", "long_value": "long", "longValue": "long",
    "string_value": "str", "stringValue": "str", "timestamp_value": "ts", "timestampValue": "ts",
    "int_values": "ints", "intValues": "ints", "long_values": "longs", "longValues": "longs",
    "string_values": "strs", "stringValues": "strs",
}


class InvalidInput(ValueError):
    """Answered as HTTP 400 with the API's error body."""


Predicate = tuple[str, str, object]  # (operation, key, value)


def parse_filter(raw: str | None, fields: set[str]) -> list[Predicate]:
    if not raw:
        return []
    decoded = unquote_plus(raw)  # the server's second unescape
    try:
        data = json.loads(decoded)
    except ValueError:
        raise InvalidInput(f"failed to parse valid filter from {raw!r}: not JSON after unescaping") from None
    if not isinstance(data, dict) or set(data) - {"predicates"}:
        raise InvalidInput(f"failed to parse valid filter from {raw!r}: unknown field")
    out = []
    for p in data.get("predicates") or []:
        if not isinstance(p, dict):
            raise InvalidInput(f"failed to parse valid filter from {raw!r}")
        op = p.get("operation")
        op = _OP_NUMBERS.get(op, op) if isinstance(op, int) else op
        if op not in _OPS:
            raise InvalidInput(f"invalid filter operation {p.get('operation')!r}")
        key = p.get("key", "")
        if key not in fields:
            raise InvalidInput(f"no support for filtering on unrecognized field {key!r}")
        values = [(_VALUE_KEYS[k], v) for k, v in p.items() if k in _VALUE_KEYS]
        if len(values) != 1:
            raise InvalidInput(f"filter predicate on {key!r} needs exactly one value")
        out.append((op, key, _value(*values[0], raw)))
    return out


def _value(kind: str, v: object, raw: str) -> object:
    try:
        if kind == "int" or kind == "long":
            return int(v)  # int64 arrives as a JSON string
        if kind == "str":
            return str(v)
        if kind == "ts":
            return int(_parse_time(str(v)))
        items = (v or {}).get("values", []) if isinstance(v, dict) else None
        if items is None:
            raise ValueError
        return [int(x) for x in items] if kind in ("ints", "longs") else [str(x) for x in items]
    except (TypeError, ValueError):
        raise InvalidInput(f"failed to parse valid filter from {raw!r}: bad {kind} value {v!r}") from None


def _parse_time(text: str) -> float:
    # RFC 3339 as protojson reads it: "Z" or a numeric offset. After the second unescape an
    # un-encoded "+01:00" has become " 01:00", which protojson refuses, and so do we.
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if "T" in text else _bad(text)


def _bad(text: str) -> float:
    raise ValueError(text)


def matches(item: dict, predicates: list[Predicate], getter: Callable[[dict, str], object]) -> bool:
    for op, key, value in predicates:
        actual = getter(item, key)
        try:
            if not _OPS[op](actual, value):
                return False
        except TypeError:
            return False
    return True


def page_size(raw: str | None) -> int:
    try:
        n = int(raw or 0)
    except ValueError:
        raise InvalidInput(f"invalid page_size {raw!r}") from None
    if n < 0:
        raise InvalidInput(f"The page size should be greater than 0. Got {n}")
    return DEFAULT_PAGE_SIZE if n == 0 else min(n, MAX_PAGE_SIZE)


def parse_sort(sort_by: str | None, fields: set[str], default: str) -> tuple[str, bool]:
    parts = (sort_by or "").lower().split()
    if len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("asc", "desc")):
        raise InvalidInput(f'Received invalid sort by format {sort_by!r}. Supported format: "field_name", '
                           '"field_name desc", or "field_name asc"')
    if parts and parts[0] not in fields:
        raise InvalidInput(f"Invalid sorting field: {parts[0]!r}")
    return (parts[0] if parts else default), len(parts) == 2 and parts[1] == "desc"


def encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, sort_keys=True).encode()).decode()


def decode_token(token: str) -> dict:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
        if not isinstance(state, dict) or not {"filter", "sort", "desc", "offset"} <= set(state):
            raise ValueError
        return state
    except (ValueError, binascii.Error):
        raise InvalidInput("Invalid page token") from None


def select(items: list[dict], query: dict[str, str], fields: set[str], default_sort: str,
           getter: Callable[[dict, str], object]) -> tuple[list[dict], int, str]:
    """(page, total_size, next_page_token) for the query parameters of one list request."""
    size = page_size(query.get("page_size"))
    token = query.get("page_token")
    if token:
        state = decode_token(token)
    else:
        sort, desc = parse_sort(query.get("sort_by"), fields, default_sort)
        parse_filter(query.get("filter"), fields)  # refuse a bad filter now, not on page 2
        state = {"filter": query.get("filter") or "", "sort": sort, "desc": desc, "offset": 0}
    predicates = parse_filter(state["filter"], fields)
    chosen = [i for i in items if matches(i, predicates, getter)]
    chosen.sort(key=lambda i: (getter(i, state["sort"]), getter(i, "id")), reverse=state["desc"])
    start = int(state["offset"])
    page = chosen[start:start + size]
    more = start + size < len(chosen)
    return page, len(chosen), encode_token({**state, "offset": start + size}) if more else ""
