"""LoggingServiceV2.ListLogEntries over the scenario's log entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.emulators.gcp.filters import SEVERITY_LEVELS, FilterError, parse_log_filter

if TYPE_CHECKING:  # pragma: no cover
    from atlas.emulators.gcp.emulator import GcpEmulator

DEFAULT_PAGE_SIZE = 50  # Google's default for entries.list
MAX_PAGE_SIZE = 1000
RETENTION = 30 * 86400  # the _Default bucket keeps entries 30 days (cloud.google.com/logging/quotas)
_SEARCHING = "atlas-searching-"  # page token of a search still running: the next page may be empty too


def list_log_entries(emu: "GcpEmulator", request, context):
    from google.cloud.logging_v2 import types as lt

    projects = []
    buckets = []
    for name in request.resource_names:
        parts = name.split("/")
        view = (len(parts) == 8 and parts[0] == "projects" and parts[2] == "locations" and parts[4] == "buckets"
                and parts[6] == "views" and all(parts[1::2]))
        if not view and (len(parts) != 2 or parts[0] != "projects" or not parts[1]):
            emu.reject(context, f"ListLogEntries: resource_names entry {name!r} is not projects/PROJECT_ID or "
                                "projects/P/locations/L/buckets/B/views/V")
        if view:  # a view serves its bucket: entries routed there, and P's own for P's _Default
            buckets.append("/".join(parts[:6]))
            if parts[5] == "_Default":
                projects.append(parts[1])
        else:
            projects.append(parts[1])
    if not projects and not buckets:
        emu.reject(context, "ListLogEntries: resource_names is required (e.g. projects/PROJECT_ID)")
    quota_projects = projects + [b.split("/")[1] for b in buckets]
    try:
        flt = parse_log_filter(request.filter)
    except FilterError as exc:
        emu.reject(context, f"ListLogEntries: {exc}")
    order = " ".join(request.order_by.split()).lower()
    if order not in ("", "timestamp asc", "timestamp desc", "timestamp"):
        emu.reject(context, f"ListLogEntries: order_by {request.order_by!r} is not supported "
                            "(use \"timestamp asc\" or \"timestamp desc\")")
    if request.page_size < 0 or request.page_size > MAX_PAGE_SIZE:
        emu.reject(context, f"ListLogEntries: page_size must be between 0 and {MAX_PAGE_SIZE}")
    emu.suffer_faults("ListLogEntries", None, context)
    now = emu.now()
    # read quota: entries.list calls per minute per project (Google: 60); over it, RESOURCE_EXHAUSTED
    if not emu.take_log_read(quota_projects, now):
        import grpc

        context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                      "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' "
                      f"of service 'logging.googleapis.com' for consumer 'project_number:{quota_projects[0]}'.")
    token = request.page_token
    searching = emu.scenario.logging_search_pages
    if token.startswith(_SEARCHING) or (not token and searching):
        # Logging answers a search still in progress with an empty page and a token: the
        # first `searching` pages of every search are empty, then the entries come
        step = int(token[len(_SEARCHING):]) if token else 0
        if token and not token[len(_SEARCHING):].isdigit():
            emu.reject(context, f"page_token {token!r} is not valid")
        if step < searching:
            return lt.ListLogEntriesResponse.pb()(next_page_token=f"{_SEARCHING}{step + 1}")
        token = ""

    entries = [e for spec in emu.scenario.logs if spec.project in projects or (spec.bucket and spec.bucket in buckets)
               for e in spec.entries(now)]
    entries = [e for e in entries if now - e.timestamp <= RETENTION and flt.matches(e)]
    entries.sort(key=lambda e: (e.timestamp, e.insert_id), reverse=order == "timestamp desc")
    response = lt.ListLogEntriesResponse.pb()()

    def add(e) -> int:
        entry = response.entries.add()
        _fill_entry(entry, e)
        return entry.ByteSize()

    _, response.next_page_token = emu.page(entries, request.page_size or DEFAULT_PAGE_SIZE, token,
                                           context, add)
    return response


def _fill_entry(entry, e) -> None:
    entry.log_name = e.log_name
    entry.resource.type = e.resource_type
    entry.resource.labels.update(e.resource_labels)
    entry.timestamp.FromNanoseconds(int(e.timestamp * 1e9))
    entry.receive_timestamp.FromNanoseconds(int((e.timestamp + 0.8) * 1e9))
    entry.severity = SEVERITY_LEVELS[e.severity]
    entry.insert_id = e.insert_id
    entry.labels.update(e.labels)
    if e.trace:
        entry.trace = e.trace
    if e.proto is not None:
        # Cloud Audit Logs: protoPayload is a google.cloud.audit.AuditLog
        from google.cloud.audit import audit_log_pb2
        from google.protobuf import json_format

        entry.proto_payload.Pack(json_format.ParseDict(e.proto, audit_log_pb2.AuditLog(), ignore_unknown_fields=True))
    elif e.json is not None:
        entry.json_payload.update(e.json)
    else:
        entry.text_payload = e.text or ""
