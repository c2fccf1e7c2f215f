"""Build small catalogs in code for tests.

    from tests.helpers import write_catalog, component

    root = write_catalog(tmp_path, components=[
        component("events", kind="bigquery_dataset", owner="data-eng"),
        component("features", depends_on=["events"], owner="feature-eng"),
    ])
    catalog = load_catalog(root).catalog

`tmp_path` becomes the workspace: the catalog goes to `tmp_path/catalog`, runbooks to
`tmp_path/runbooks`. Teams, systems and projects that components or systems name are
created automatically (with an on-call reference) unless given explicitly, so the result
loads without errors unless a test wants one. Raw dicts are written as TOML as they are,
so a test can put a wrong type or an unknown key in on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import tomlkit


def component(id: str, kind: str = "grpc_service", **fields: Any) -> dict[str, Any]:
    """One [[component]] table: `component("ranker-svc", owner="ranking-science")`."""
    return {"id": id, "kind": kind, **fields}


def team(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": id.replace("-", " ").title(), "oncall": f"pagerduty:{id}", **fields}


def system(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": id.replace("-", " ").capitalize(), **fields}


def _dump(tables: dict[str, Any]) -> str:
    doc = tomlkit.document()
    for name, value in tables.items():
        if value is None or (isinstance(value, list) and not value):
            continue
        if isinstance(value, list):
            aot = tomlkit.aot()
            for row in value:
                aot.append(row)
            doc.append(name, aot)
        else:
            doc.append(name, value)
    return doc.as_string()


def write_catalog(
    tmp_path: Path,
    components: Iterable[dict[str, Any]] = (),
    *,
    teams: Iterable[dict[str, Any]] | None = None,
    people: Iterable[dict[str, Any]] = (),
    systems: Iterable[dict[str, Any]] | None = None,
    projects: Iterable[dict[str, Any]] | None = None,
    repos: Iterable[dict[str, Any]] = (),
    signals: Iterable[dict[str, Any]] = (),
    log_filters: Iterable[dict[str, Any]] = (),
    experiment_templates: Iterable[dict[str, Any]] = (),
    atlas: dict[str, Any] | None = None,
    files: dict[str, str] | None = None,
    create_runbooks: bool = True,
    auto: bool = True,
) -> Path:
    """Write a catalog under tmp_path and return the catalog directory.

    - components go to `catalog/systems/<system>.toml` with their system (or
      `catalog/components.toml` when they have none);
    - `auto=True` adds the teams, systems and projects that are referenced but not given;
    - `create_runbooks=True` writes a small Markdown file for every component runbook
      path that stays inside the workspace;
    - `files` adds extra files verbatim (path relative to the catalog dir -> text), e.g. a
      syntax error on purpose.
    """
    tmp_path = Path(tmp_path)
    root = tmp_path / "catalog"
    root.mkdir(parents=True, exist_ok=True)
    components = [dict(c) for c in components]
    teams = [dict(t) for t in teams] if teams is not None else []
    systems = [dict(s) for s in systems] if systems is not None else []
    projects = [dict(p) for p in projects] if projects is not None else []

    if auto:
        team_ids = {t.get("id") for t in teams}
        system_ids = {s.get("id") for s in systems}
        project_ids = {p.get("id") for p in projects}
        for row in components + systems:
            owner = row.get("owner")
            if isinstance(owner, str) and owner and owner not in team_ids:
                teams.append(team(owner))
                team_ids.add(owner)
        for row in components:
            sid = row.get("system")
            if isinstance(sid, str) and sid and sid not in system_ids:
                systems.append(system(sid, order=len(systems) + 1))
                system_ids.add(sid)
        for row in components + systems:
            pid = row.get("project")
            if isinstance(pid, str) and pid and pid not in project_ids:
                projects.append({"id": pid, "region": "us-central1"})
                project_ids.add(pid)

    if atlas is not None:
        (root / "atlas.toml").write_text(_dump({"atlas": atlas}))
    if teams or people:
        (root / "teams.toml").write_text(_dump({"team": teams, "person": list(people)}))
    if projects or repos:
        (root / "projects.toml").write_text(_dump({"project": projects, "repo": list(repos)}))
    if signals or log_filters:
        (root / "signals.toml").write_text(_dump({"signal": list(signals), "log_filter": list(log_filters)}))
    if experiment_templates:
        (root / "experiment-templates.toml").write_text(_dump({"experiment_template": list(experiment_templates)}))

    by_system: dict[str, list[dict]] = {}
    for c in components:
        sid = c.get("system")
        by_system.setdefault(sid if isinstance(sid, str) and sid else "", []).append(c)
    written_systems = set()
    for sid, rows in by_system.items():
        if not sid:
            (root / "components.toml").write_text(_dump({"component": rows}))
            continue
        own = [s for s in systems if s.get("id") == sid]
        written_systems.add(sid)
        (root / "systems").mkdir(exist_ok=True)
        (root / "systems" / f"{sid}.toml").write_text(_dump({"system": own, "component": rows}))
    rest = [s for s in systems if s.get("id") not in written_systems]
    if rest:
        (root / "systems").mkdir(exist_ok=True)
        (root / "systems" / "other.toml").write_text(_dump({"system": rest}))

    if create_runbooks:
        for c in components:
            rb = c.get("runbook")
            if isinstance(rb, str) and rb and not rb.startswith("/") and ".." not in rb:
                path = tmp_path / rb
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():
                    path.write_text(f"# {c.get('id')}\n\nWhat to do when it breaks.\n")

    for rel, text in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


__all__ = ["write_catalog", "component", "team", "system"]
