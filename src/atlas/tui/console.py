"""The Google Cloud console link behind `o`: the component's own dashboard link when the
catalog has one, else the Logs Explorer on its log filter, else its project's console."""

from __future__ import annotations

from urllib.parse import quote

from atlas.catalog.model import Catalog


def console_url(catalog: Catalog, component_id: str) -> str:
    component = catalog.components[component_id]
    for key in ("console", "dashboard"):
        if component.links.get(key):
            return component.links[key]
    project = component.project
    if not project:
        return ""
    log_filter = catalog.log_filter_for(component)
    if log_filter:
        return logs_url(project, log_filter)
    return f"https://console.cloud.google.com/home/dashboard?project={quote(project)}"


def logs_url(project: str, log_filter: str) -> str:
    try:  # the health area owns the canonical link builder
        from atlas.health.links import logs_explorer_url
    except ImportError:
        return (
            "https://console.cloud.google.com/logs/query;"
            f"query={quote(log_filter, safe='')}?project={quote(project)}"
        )
    return logs_explorer_url(project, log_filter)
