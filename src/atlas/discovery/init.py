"""`atlas discover --init DIR`: a starting catalog for a product atlas has never seen.

Teams come from CODEOWNERS, one system per repo, components with their labels filled from
the resource names, edges with their evidence as comments. What only a person knows is left
for lint to ask for (owners to confirm, runbooks, tiers, handover). Files are created
atomically and never over an existing file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from atlas.discovery.compare import Proposals
from atlas.discovery.entries import component_table
from atlas.discovery.model import Findings
from atlas.fsutil import atomic_create_text

HEADER = "# Drafted by `atlas discover --init` from {sources}. Review every entry: owners come from\n" \
         "# CODEOWNERS and must be confirmed; runbooks, tiers and handover are for a person to add.\n\n"


class InitError(ValueError):
    """The target folder cannot take a new catalog (one line)."""


def write_init(target: str | Path, findings: Findings, proposals: Proposals) -> list[Path]:
    import tomlkit

    root = Path(target)
    if root.exists() and any(root.glob("**/*.toml")):
        raise InitError(f"{root}: already holds TOML files; --init writes only into an empty folder "
                        "(use --write to merge into an existing catalog)")
    try:
        (root / "systems").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InitError(f"{root}: cannot create: {exc.strerror or exc}") from None
    sources = ", ".join(sorted(findings.repos)) or "live GCP"
    header = HEADER.format(sources=sources)
    files: dict[Path, str] = {}

    atlas = tomlkit.document()
    head = tomlkit.table()
    head.add("name", root.resolve().name)
    head.add("description", f"Drafted by atlas discover from {sources}")
    atlas.add("atlas", head)
    files[root / "atlas.toml"] = header + atlas.as_string()

    teams = sorted(set(findings.teams) | {o.team for o in findings.owners.values()})
    doc = tomlkit.document()
    aot = tomlkit.aot()
    for team in teams:
        t = tomlkit.table()
        t.add("id", team)
        where = findings.teams.get(team)
        if where:
            t.add("name", team)
            t["name"].comment(f"from CODEOWNERS ({where.where})")
        aot.append(t)
    if teams:
        doc.append("team", aot)
    files[root / "teams.toml"] = header + doc.as_string()

    projects = sorted({c.finding.project for c in proposals.components if c.finding.project})
    doc = tomlkit.document()
    aot = tomlkit.aot()
    for project in projects:
        t = tomlkit.table()
        t.add("id", project)
        aot.append(t)
    repos = tomlkit.aot()
    for short, origin in sorted(findings.repos.items()):
        t = tomlkit.table()
        t.add("id", short)
        github = origin if _is_name(origin) else "/".join(Path(origin).resolve().parts[-2:])
        t.add("github", github)
        if not _is_name(origin):
            t["github"].comment("guessed from the folder: confirm")
        repos.append(t)
    if projects:
        doc.append("project", aot)
    if len(repos):
        doc.append("repo", repos)
    files[root / "projects.toml"] = header + doc.as_string()

    by_down: dict[str, list] = {}
    for edge in proposals.edges:
        by_down.setdefault(edge.downstream, []).append(edge)
    by_repo: dict[str, list] = {}
    for prop in proposals.components:
        by_repo.setdefault(prop.finding.repo or "", []).append(prop)
    for repo, props in sorted(by_repo.items()):
        doc = tomlkit.document()
        system = repo if repo else ""
        if system:
            owners = Counter(p.owner for p in props if p.owner)
            projects_seen = Counter(p.finding.project for p in props if p.finding.project)
            s = tomlkit.table()
            s.add("id", system)
            s.add("name", system.replace("-", " ").capitalize())
            if owners:
                s.add("owner", owners.most_common(1)[0][0])
            sys_project = projects_seen.most_common(1)[0][0] if projects_seen else ""
            if sys_project:
                s.add("project", sys_project)
            aot = tomlkit.aot()
            aot.append(s)
            doc.append("system", aot)
        else:
            sys_project = ""
        comps = tomlkit.aot()
        for prop in sorted(props, key=lambda p: p.id):
            comps.append(component_table(prop, by_down.get(prop.id, []), system=system, owner=prop.owner,
                                         system_project=sys_project, projects=projects))
        doc.append("component", comps)
        name = f"systems/{repo}.toml" if repo else "discovered.toml"
        files[root / name] = header + doc.as_string()
    for path, text in files.items():
        atomic_create_text(path, text)
    return sorted(files)


def _is_name(origin: str) -> bool:
    parts = origin.split("/")
    return len(parts) == 2 and all(parts) and not Path(origin).exists()
