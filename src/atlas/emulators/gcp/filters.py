"""The subset of Cloud Monitoring and Cloud Logging filter syntax that atlas sends.

Terms joined by AND, nothing else: anything outside the subset raises `FilterError` whose
message says what is unsupported, and the servicer answers INVALID_ARGUMENT with it (as
Google does for a filter it cannot parse).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable


class FilterError(ValueError):
    pass


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>>=|<=|!=|=~|!~|=|<|>|:)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z0-9_.\-+/%@*]+)
    )""", re.VERBOSE)


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str  # str | op | punct | word
    text: str

    @property
    def value(self) -> str:
        if self.kind == "str":
            return re.sub(r"\\(.)", r"\1", self.text[1:-1])
        return self.text


def tokenize(text: str) -> list[Tok]:
    toks, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FilterError(f"unsupported filter syntax at {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        toks.append(Tok(kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return toks


def split_terms(text: str) -> list[list[Tok]]:
    """Split on AND; refuse OR, NOT, '-' negation and grouping parentheses."""
    terms: list[list[Tok]] = [[]]
    depth = 0
    for tok in tokenize(text):
        if tok.kind == "word" and depth == 0 and tok.text in ("OR", "NOT"):
            raise FilterError(f"{tok.text} is not supported: atlas filters join terms with AND only")
        if tok.kind == "word" and depth == 0 and tok.text == "AND":
            terms.append([])
            continue
        if tok.kind == "punct" and tok.text == "(":
            if not terms[-1] or terms[-1][-1].kind != "word" or terms[-1][-1].text not in _FUNCTIONS:
                raise FilterError("parentheses for grouping are not supported: join terms with AND")
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            depth -= 1
        terms[-1].append(tok)
    if any(not t for t in terms):
        raise FilterError("empty term: AND needs a term on both sides")
    return terms


_FUNCTIONS = ("one_of", "starts_with", "ends_with")


def _rhs(toks: list[Tok], field: str) -> Callable[[str], bool] | str:
    """The right-hand side of `field = ...`: a literal, one_of(...) or starts_with(...)."""
    if len(toks) == 1 and toks[0].kind in ("str", "word"):
        return toks[0].value
    if len(toks) >= 3 and toks[0].kind == "word" and toks[0].text in _FUNCTIONS and toks[1].text == "(" \
            and toks[-1].text == ")":
        args = [t for t in toks[2:-1] if t.text != ","]
        if not args or any(t.kind not in ("str", "word") for t in args):
            raise FilterError(f"{toks[0].text}() on {field} needs quoted string arguments")
        values = [t.value for t in args]
        if toks[0].text == "one_of":
            allowed = set(values)
            return lambda v: v in allowed
        if len(values) != 1:
            raise FilterError(f"{toks[0].text}() on {field} takes exactly one argument")
        prefix = values[0]
        return (lambda v: v.startswith(prefix)) if toks[0].text == "starts_with" else (lambda v: v.endswith(prefix))
    raise FilterError(f"unsupported value for {field}: {' '.join(t.text for t in toks)!r}")


# -- Cloud Monitoring --------------------------------------------------------------------------

@dataclass(slots=True)
class MetricFilter:
    metric_type: str
    terms: list[tuple[str, str, Callable[[str], bool] | str]]  # (scope, key, matcher)

    def matches(self, resource_type: str, resource_labels: dict[str, str], metric_labels: dict[str, str]) -> bool:
        for scope, key, want in self.terms:
            if scope == "resource.type":
                value = resource_type
            elif scope == "resource":
                value = resource_labels.get(key)
            else:
                value = metric_labels.get(key)
            if value is None:
                return False
            if not (want(value) if callable(want) else value == want):
                return False
        return True


@functools.lru_cache(maxsize=4096)
def parse_metric_filter(text: str) -> MetricFilter:
    """Parsed once per distinct filter: a poller sends the same ones every refresh."""
    if not text.strip():
        raise FilterError("filter is required and must name exactly one metric.type")
    metric_types: list[str] = []
    terms: list[tuple[str, str, Any]] = []
    for term in split_terms(text):
        if len(term) < 3 or term[0].kind != "word" or term[1].kind != "op":
            raise FilterError(f"unsupported term {' '.join(t.text for t in term)!r}: expected field = value")
        field, op = term[0].text, term[1].text
        if op != "=":
            raise FilterError(f"operator {op!r} is not supported on {field}: only = is")
        want = _rhs(term[2:], field)
        if field == "metric.type":
            if callable(want):
                raise FilterError("metric.type must be one literal metric type, not a function")
            metric_types.append(want)
        elif field == "resource.type":
            terms.append(("resource.type", "", want))
        elif m := re.fullmatch(r"(resource|metric)\.labels?\.([A-Za-z0-9_]+)", field):
            terms.append((m.group(1), m.group(2), want))
        elif field == "project":
            terms.append(("resource", "project_id", want))
        else:
            raise FilterError(f"unsupported filter field {field!r} (supported: metric.type, resource.type, "
                              "resource.labels.KEY, metric.labels.KEY)")
    if len(metric_types) != 1:
        raise FilterError(f"filter must name exactly one metric.type (found {len(metric_types)})")
    return MetricFilter(metric_types[0], terms)


# -- Cloud Logging -----------------------------------------------------------------------------

SEVERITY_LEVELS = {"DEFAULT": 0, "DEBUG": 100, "INFO": 200, "NOTICE": 300, "WARNING": 400, "ERROR": 500,
                   "CRITICAL": 600, "ALERT": 700, "EMERGENCY": 800}

_COMPARE = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
}


def parse_rfc3339(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise FilterError(f"timestamp {text!r} is not RFC 3339 (e.g. \"2026-01-31T12:00:00Z\")") from None


@dataclass(slots=True)
class LogFilter:
    predicates: list[Callable[[Any], bool]]

    def matches(self, entry: Any) -> bool:
        return all(p(entry) for p in self.predicates)


@functools.lru_cache(maxsize=4096)
def parse_log_filter(text: str) -> LogFilter:
    preds: list[Callable[[Any], bool]] = []
    if not text.strip():
        return LogFilter(preds)
    for term in split_terms(text):
        if len(term) < 3 or term[0].kind != "word" or term[1].kind != "op":
            raise FilterError(f"unsupported term {' '.join(t.text for t in term)!r}: expected field OP value")
        field, op = term[0].text, term[1].text
        if op not in _COMPARE:
            raise FilterError(f"operator {op!r} is not supported on {field}")
        want = _rhs(term[2:], field)
        preds.append(_log_predicate(field, op, want))
    return LogFilter(preds)


def _log_predicate(field: str, op: str, want: Any) -> Callable[[Any], bool]:
    cmp = _COMPARE[op]
    if field == "severity":
        if callable(want) or want.upper() not in SEVERITY_LEVELS:
            raise FilterError(f"severity must be one of {', '.join(SEVERITY_LEVELS)}")
        level = SEVERITY_LEVELS[want.upper()]
        return lambda e: cmp(SEVERITY_LEVELS[e.severity], level)
    if field == "timestamp":
        if callable(want) or op in ("=", "!="):
            raise FilterError("timestamp supports only >=, >, <= and < with an RFC 3339 time")
        t = parse_rfc3339(want)
        return lambda e: cmp(e.timestamp, t)
    getter: Callable[[Any], Any]
    if field == "resource.type":
        getter = lambda e: e.resource_type  # noqa: E731
    elif field in ("logName", "log_name"):
        getter = lambda e: e.log_name  # noqa: E731
    elif field == "trace":
        getter = lambda e: e.trace  # noqa: E731
    elif field == "textPayload":
        getter = lambda e: e.text  # noqa: E731
    elif m := re.fullmatch(r"resource\.labels\.([A-Za-z0-9_]+)", field):
        key = m.group(1)
        getter = lambda e: e.resource_labels.get(key)  # noqa: E731
    elif m := re.fullmatch(r"labels\.([A-Za-z0-9_]+|\"[^\"]+\")", field):
        key = m.group(1).strip('"')
        getter = lambda e: e.labels.get(key)  # noqa: E731
    elif m := re.fullmatch(r"jsonPayload\.([A-Za-z0-9_.]+)", field):
        path = m.group(1).split(".")
        getter = lambda e: _dig(e.json, path)  # noqa: E731
    elif m := re.fullmatch(r"protoPayload\.([A-Za-z0-9_.]+)", field):
        path = m.group(1).split(".")
        getter = lambda e: _dig(getattr(e, "proto", None), path)  # noqa: E731
    else:
        raise FilterError(f"unsupported filter field {field!r} (supported: resource.type, resource.labels.KEY, "
                          "labels.KEY, jsonPayload.KEY, severity, timestamp, logName, trace)")
    if callable(want):
        if op not in ("=",):
            raise FilterError(f"{field}: functions work only with =")
        return lambda e: (v := getter(e)) is not None and want(str(v))
    if op not in ("=", "!="):
        if not field.startswith(("jsonPayload.", "protoPayload.")) or _number(want) is None:
            raise FilterError(f"operator {op!r} is only supported on severity, timestamp and numeric payload "
                              f"fields, not {field}")
        # a numeric comparison; an entry without the field (or with text in it) does not match
        limit = _number(want)
        return lambda e: (n := _number(getter(e))) is not None and cmp(n, limit)
    return lambda e: cmp(None if (v := getter(e)) is None else str(v), want)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, (dict, list)) else None
    except (TypeError, ValueError):
        return None


def _dig(payload: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(payload, dict) or key not in payload:
            return None
        payload = payload[key]
    return payload
