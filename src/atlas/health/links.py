"""Console deep links an on-call engineer wants one key away. Pure string building."""

from __future__ import annotations

import json
from urllib.parse import quote

from atlas.catalog.model import Component, SignalTemplate
from atlas.health.planner import QueryGroup, group_key
from atlas.health.specs import SignalSpec, resolve

CONSOLE = "https://console.cloud.google.com"


def logs_explorer_url(project: str, filter: str) -> str:
    """Logs Explorer with the filter as its query (`/logs/query;query=...?project=...`)."""
    return f"{CONSOLE}/logs/query;query={quote(filter, safe='')}?project={quote(project, safe='')}"


def metrics_explorer_url(project: str, signal: SignalTemplate | SignalSpec, component: Component | None = None) -> str:
    """Metrics Explorer showing the signal's series for one component, with its aggregation
    (Logs Explorer for a log-based signal)."""
    spec = signal if isinstance(signal, SignalSpec) else resolve(signal, component)
    if spec.uses_logs:  # a log-based signal lives in Logs Explorer
        return logs_explorer_url(project, spec.log_filter)
    # A ratio is drawn as its label groups (e.g. per grpc_code): what the on-call compares.
    group = QueryGroup(group_key(spec), [spec])
    data_set = {
        "timeSeriesFilter": {
            "filter": group.filter,
            "perSeriesAligner": spec.aligner,
            "crossSeriesReducer": spec.reducer,
            "groupByFields": group.group_by,
        },
        "minAlignmentPeriod": f"{spec.alignment_period}s",
        "plotType": "LINE",
    }
    page_state = {"xyChart": {"dataSets": [data_set]}, "timeSelection": {"timeRange": "1h"}}
    state = quote(json.dumps(page_state, separators=(",", ":")), safe="")
    return f"{CONSOLE}/monitoring/metrics-explorer?project={quote(project, safe='')}&pageState={state}"
