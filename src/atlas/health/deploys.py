"""Deploys before a cause's onset, from Cloud Logging: the changes no pull request shows.

A `kubectl rollout`, a config push, a new Cloud Run revision made from the console: what
the SRE workbook counts as a third of outage triggers ("configuration pushes") often has
no PR in the component's repo. Where the catalog gives a kind's deploy filter
(`[[log_filter]] deploys`, placeholders filled per component), triage lists the matching
entries of the change window before each cause's onset among its `changes` (kind
"deploy"). The entries are Cloud Audit Logs (Admin Activity, always written and kept 400
days: cloud.google.com/logging/docs/audit) or anything else the filter names; an audit
entry is told by its method and resource, any other by its message.

Reads share Cloud Logging's 60 entries.list a minute with the errors at onset
(`atlas.health.onset_errors`): only the first `errorburst.MAX_CHECKED` causes are read, a
window that has closed is read once a session, and a refused read (the quota, a dead
endpoint) ends the round for the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from atlas.catalog.model import Catalog, unfilled_placeholders
from atlas.health import detection, errorburst, logs, readable
from atlas.health.changes import CHANGE_WINDOW, Change, change_window
from atlas.health.links import logs_explorer_url
from atlas.health.onset import DEFAULT_TOLERANCE

MAX_DEPLOYS = 20  # per cause: the newest in its window (one page)


def describe(entry) -> tuple[str, str]:
    """(what was deployed, by whom) of one entry: an audit entry's method and resource and
    its caller, or the entry's message."""
    if entry.WhichOneof("payload") == "proto_payload" and entry.proto_payload.type_url.endswith("google.cloud.audit.AuditLog"):
        from google.cloud.audit import audit_log_pb2

        audit = audit_log_pb2.AuditLog()
        if entry.proto_payload.Unpack(audit):
            method = audit.method_name.rsplit(".", 1)[-1] or "change"
            what = f"{method} {audit.resource_name}".strip()
            return what, audit.authentication_info.principal_email
    return logs.message_of(entry)[:160] or "deploy", ""


class DeployReader:
    def __init__(self, catalog: Catalog, clients: Callable[[], Any], *, window: float = CHANGE_WINDOW,
                 slack: float = DEFAULT_TOLERANCE):
        self.catalog = catalog
        self._clients = clients  # -> atlas.health.clients.Clients, built on first use
        self.window = window
        self.slack = slack
        self._lock = threading.Lock()
        self.calls = 0
        self._kept: dict[tuple[str, float], list[Change]] = {}  # closed windows: what they held

    def attach(self, items: list[Any], now: float) -> None:
        """Add each of the first MAX_CHECKED causes' deploys to its `changes`; `deploys_scope`
        says what was searched (empty: its kind declares no deploys), `deploys_note` why
        they may be incomplete."""
        refused = ""
        causes = [i for i in items if i.role == "cause"]
        with self._lock:
            for n, item in enumerate(causes):
                comp = self.catalog.components.get(item.component)
                flt = self.catalog.deploy_filter_for(comp) if comp is not None else ""
                if not flt:
                    continue
                item.deploys_scope = (f"Cloud Logging, {readable.duration(self.window)} before "
                                      f"{'onset' if item.since is not None else 'now: onset unknown'}")
                if left := unfilled_placeholders(flt):  # a query that matches nothing would read "none"
                    item.deploys_note = (f"its deploy filter's {', '.join('{' + name + '}' for name in left)} has no value "
                                         "(add it under [component.labels])")
                elif n >= errorburst.MAX_CHECKED:
                    item.deploys_note = f"not checked: only the first {errorburst.MAX_CHECKED} causes are"
                elif refused:
                    item.deploys_note = f"not checked: {refused}"
                else:
                    found, item.deploys_note, stop = self._read(comp, flt, item.since, now)
                    if stop:
                        refused = item.deploys_note
                    item.changes = sorted([*item.changes, *found], key=lambda c: -c.merged_at)

    def _read(self, comp: Any, flt: str, onset: float | None, now: float) -> tuple[list[Change], str, bool]:
        """The deploys, why they are unknown ("" when read), and whether the rest of the
        round would be refused too."""
        clients = self._clients()
        client = getattr(clients, "logging", None)
        if client is None:
            return [], getattr(clients, "logging_problem", "") or "no Cloud Logging client", False
        start, end = change_window(onset, now, self.window, self.slack)
        key = (comp.id, start)
        if key in self._kept:  # its window closed: the next refresh need not read it again
            return list(self._kept[key]), "", False
        where = getattr(comp, "log_resource", "") or comp.project
        try:
            result = logs.read(client, where, logs.bounded(flt, start, until=end), MAX_DEPLOYS,
                               retry=clients.retry, timeout=clients.timeout)
        except Exception as exc:  # noqa: BLE001 - one line on the cause, never fatal
            from atlas.health.clients import refused_read

            note, stop = refused_read(exc, clients, comp.project)
            return [], f"Cloud Logging: {note}", stop
        self.calls += result.calls
        link = logs_explorer_url(comp.project, flt)
        found = []
        for entry in result.entries:
            what, who = describe(entry)
            found.append(Change("", 0, what, who, logs.entry_time(entry), link, kind="deploy"))
        why = f"the search stopped after {result.calls} pages" if result.incomplete else ""
        if result.more:
            why = f"only the newest {MAX_DEPLOYS} are listed"
        if not why and onset is not None and now >= end + detection.LOG_VISIBLE:
            self._kept[key] = list(found)
        return found, why, False

