"""LoggingServiceV2.ListLogEntries over the scenario's log entries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.emulators.gcp.filters import SEVERITY_LEVELS, FilterError, parse_log_filter

if TYPE_CHECKING:  # pragma: no cover
    from atlas.emulators.gcp.emulator import GcpEmulator

DEFAULT_PAGE_SIZE = 50  # Google's default for entries.list
MAX_PAGE_SIZE = 1000


def list_log_entries(emu: "GcpEmulator", request, context):
    from google.cloud.logging_v2 import types as lt

    projects = []
    for name in request.resource_names:
        parts = name.split("/")
        if len(parts) != 2 or parts[0] != "projects" or not parts[1]:
            emu.reject(context, f"ListLogEntries: resource_names entry {name!r} is not projects/PROJECT_ID "
                                "(the emulator serves projects only)")
        projects.append(parts[1])
    if not projects:
        emu.reject(context, "ListLogEntries: resource_names is required (e.g. projects/PROJECT_ID)")
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
    entries = [e for spec in emu.scenario.logs if spec.project in projects for e in spec.entries(now)]
    entries = [e for e in entries if flt.matches(e)]
    entries.sort(key=lambda e: (e.timestamp, e.insert_id), reverse=order == "timestamp desc")
    response = lt.ListLogEntriesResponse.pb()()

    def add(e) -> int:
        entry = response.entries.add()
        _fill_entry(entry, e)
        return entry.ByteSize()

    _, response.next_page_token = emu.page(entries, request.page_size or DEFAULT_PAGE_SIZE, request.page_token,
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
    if e.json is not None:
        entry.json_payload.update(e.json)
    else:
        entry.text_payload = e.text or ""
