"""Cloud Logging reads: log-signal counts and freshness, and a component's recent errors.

The low-level LoggingServiceV2 client is used (not the high-level `list_entries`, which
silently adds a 24-hour timestamp filter): every filter here carries its own explicit
timestamp bound. The low-level client returns severity as an int; names are mapped here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

COUNT_CAP = 1000  # one page; "more than 1000 errors in 15 min" needs no exact number

_SEVERITY_NAMES = {
    0: "DEFAULT", 100: "DEBUG", 200: "INFO", 300: "NOTICE", 400: "WARNING",
    500: "ERROR", 600: "CRITICAL", 700: "ALERT", 800: "EMERGENCY",
}


@dataclass(slots=True)
class LogLine:
    time: float  # epoch seconds
    severity: str  # ERROR, CRITICAL, ...
    message: str
    trace: str = ""

    def to_json(self) -> dict:
        return {
            "time": rfc3339(self.time),
            "severity": self.severity,
            "message": self.message,
            "trace": self.trace,
        }


def rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int((epoch % 1) * 1000):03d}Z"


def severity_name(value: int) -> str:
    if value in _SEVERITY_NAMES:
        return _SEVERITY_NAMES[value]
    lower = max((k for k in _SEVERITY_NAMES if k <= value), default=0)
    return _SEVERITY_NAMES[lower]


def bounded(filter: str, since: float, *, errors_only: bool = False, until: float | None = None) -> str:
    """The filter plus an explicit time bound (and severity>=ERROR for recent errors).

    Appended with AND and no parentheses: in the Logging query language OR binds tighter
    than AND, so `a OR b AND c` already means `(a OR b) AND c`.
    """
    parts = [filter.strip()] if filter.strip() else []
    if errors_only:
        parts.append("severity>=ERROR")
    parts.append(f'timestamp>="{rfc3339(since)}"')
    if until is not None:  # a past moment (`atlas triage --at`): nothing logged after it
        parts.append(f'timestamp<="{rfc3339(until)}"')
    return " AND ".join(parts)


MAX_PAGES = 20  # pages one search may read (empty "still searching" pages included)
MAX_SECONDS = 10.0  # wall time one search may take before it says "incomplete"


def resource_name(where: str) -> str:
    """A project id, or a Logging resource name as written (a bucket view of a central
    logging project: projects/P/locations/L/buckets/B/views/V)."""
    return where if "/" in where else f"projects/{where}"


@dataclass(slots=True)
class LogRead:
    entries: list  # raw protobuf LogEntry, newest first
    calls: int
    incomplete: bool  # stopped at MAX_PAGES or MAX_SECONDS with pages left: a lower bound
    more: bool  # there were more entries than asked for


def read(client, where: str, filter: str, want: int, *, retry, timeout: float,
         max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS, clock=time.monotonic) -> LogRead:
    """Up to `want` entries, newest first, following page tokens: Cloud Logging may answer an
    empty page with a next_page_token while a search is still running, so an empty first
    page is not "nothing found" (cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list)."""
    from google.cloud.logging_v2.types import ListLogEntriesRequest, ListLogEntriesResponse

    request = ListLogEntriesRequest(resource_names=[resource_name(where)], filter=filter,
                                    order_by="timestamp desc", page_size=min(want, COUNT_CAP))
    started = clock()
    entries: list = []
    calls = 0
    pager = client.list_log_entries(request=request, retry=retry, timeout=timeout)
    for page in pager.pages:
        calls += 1
        pb = ListLogEntriesResponse.pb(page)
        entries.extend(pb.entries)
        if len(entries) >= want:
            return LogRead(entries[:want], calls, False, len(entries) > want or bool(pb.next_page_token))
        if not pb.next_page_token:
            break
        if calls >= max_pages or clock() - started >= max_seconds:
            return LogRead(entries, calls, True, True)
    return LogRead(entries, calls, False, False)


def entry_time(entry) -> float:
    return entry.timestamp.seconds + entry.timestamp.nanos / 1e9


def count_entries(client, project: str, filter: str, since: float, *, retry, timeout: float,
                  until: float | None = None) -> LogRead:
    """Entries since `since`, up to COUNT_CAP (`more`: there are more; `incomplete`: the
    search stopped at its bound, so the count is a lower bound)."""
    return read(client, project, bounded(filter, since, until=until), COUNT_CAP, retry=retry, timeout=timeout)


def newest_entry(client, project: str, filter: str, since: float, *, retry, timeout: float,
                 until: float | None = None) -> tuple[float | None, LogRead]:
    result = read(client, project, bounded(filter, since, until=until), 1, retry=retry, timeout=timeout)
    return (entry_time(result.entries[0]) if result.entries else None), result


def message_of(entry) -> str:
    """textPayload, or jsonPayload.message, or the JSON payload itself, on one line."""
    kind = entry.WhichOneof("payload")
    if kind == "text_payload":
        text = entry.text_payload
    elif kind == "json_payload":
        fields = entry.json_payload.fields
        text = ""
        for key in ("message", "msg", "error"):
            if key in fields and fields[key].WhichOneof("kind") == "string_value":
                text = fields[key].string_value
                break
        if not text:
            from google.protobuf import json_format

            text = json_format.MessageToJson(entry.json_payload, indent=None)
    elif kind == "proto_payload":
        text = f"({entry.proto_payload.type_url.rsplit('/', 1)[-1]} payload)"
    else:
        text = ""
    return " ".join(text.split())


def recent_errors(client, project: str, filter: str, since: float, limit: int, *, retry, timeout: float) -> list[LogLine]:
    """Newest severity>=ERROR entries first (raises IncompleteSearch when the search hit its
    bound before finding any: "none" would be a guess)."""
    result = read(client, project, bounded(filter, since, errors_only=True), limit, retry=retry, timeout=timeout)
    if result.incomplete and not result.entries:
        raise IncompleteSearch(f"the log search was still running after {result.calls} pages; nothing found yet")
    return [
        LogLine(time=entry_time(e), severity=severity_name(e.severity), message=message_of(e), trace=e.trace)
        for e in result.entries[:limit]
    ]


class IncompleteSearch(RuntimeError):
    """A log search stopped at its bound of pages or time; str() is one line."""


BATCH_MAX_PAGES = 20  # 20,000 entries: beyond that a batch reports what it saw as a lower bound


@dataclass(slots=True)
class BatchScan:
    counts: dict[tuple[str, ...], int]
    newest: dict[tuple[str, ...], float]
    calls: int
    truncated: bool  # stopped at BATCH_MAX_PAGES with entries left


def scan_batch(client, batch, since: float, *, retry, timeout: float, until: float | None = None) -> BatchScan:
    """Page through a LogBatch's entries (newest first) and attribute each one to its
    members by the fields that tell them apart. A freshness batch stops as soon as every
    member's newest entry has been seen."""
    from google.cloud.logging_v2.types import ListLogEntriesRequest, ListLogEntriesResponse

    from atlas.health.logshape import entry_field

    wanted = set(batch.keys)
    counts: dict[tuple[str, ...], int] = {}
    newest: dict[tuple[str, ...], float] = {}
    request = ListLogEntriesRequest(
        resource_names=[resource_name(batch.resource or batch.project)],
        filter=bounded(batch.filter, since, until=until),
        order_by="timestamp desc",
        page_size=COUNT_CAP,
    )
    pager = client.list_log_entries(request=request, retry=retry, timeout=timeout)
    calls = 0
    truncated = False
    freshness_only = batch.type != "log"
    for page in pager.pages:
        calls += 1
        for entry in ListLogEntriesResponse.pb(page).entries:
            key = tuple(entry_field(entry, f) for f in batch.varying)
            if key not in wanted:
                continue
            counts[key] = counts.get(key, 0) + 1
            if key not in newest:  # newest first: the first one seen is the newest
                newest[key] = entry_time(entry)
        if freshness_only and len(newest) == len(wanted):
            break
        if calls >= BATCH_MAX_PAGES and page.next_page_token:  # empty "searching" pages count too
            truncated = True
            break
    return BatchScan(counts, newest, calls, truncated)
