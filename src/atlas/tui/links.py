"""The links of one component that stay on its screen: Logs Explorer on its errors, Metrics
Explorer per signal, its repo, code and console pages, its repo's open pull requests.
Pure: built from the catalog (the URL builders are atlas.health.links')."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from atlas.catalog.model import Catalog


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


def component_links(catalog: Catalog, component_id: str) -> list[Link]:
    from atlas.health.links import logs_explorer_url, metrics_explorer_url

    component = catalog.components[component_id]
    project = component.project or catalog.default_project
    links: list[Link] = []
    log_filter = catalog.log_filter_for(component)
    if project and log_filter:
        # the same filter `atlas logs` reads: its errors, not every line
        links.append(Link("Logs Explorer (severity>=ERROR)", logs_explorer_url(project, f"{log_filter} AND severity>=ERROR")))
    if project:
        for template in catalog.signals_for(component):
            try:
                url = metrics_explorer_url(project, template, component)
            except Exception:  # a template the planner cannot place gives no link, not a crash
                continue
            links.append(Link(f"Metrics Explorer: {template.id}", url))
    repo = catalog.repos.get(component.repo)
    if repo is not None:
        base = repo.url or f"https://github.com/{repo.github}"
        links.append(Link(f"repo {repo.github}", base))
    for name, url in component.links.items():
        links.append(Link(name, url))
    if repo is not None and repo.github:
        query = quote("is:pr is:open", safe="")
        links.append(Link(f"open PRs of {repo.github}", f"https://github.com/{repo.github}/pulls?q={query}"))
    return links
