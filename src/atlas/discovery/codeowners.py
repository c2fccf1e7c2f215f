"""CODEOWNERS: who reviews which path, as owner suggestions per component.

GitHub's rules (docs.github.com, "About code owners"): the file is .github/CODEOWNERS,
CODEOWNERS or docs/CODEOWNERS; the last matching pattern wins; patterns follow .gitignore
rules (a leading / anchors at the root, a trailing / matches a directory's contents, a
pattern without a slash matches at any depth). Owners are @user, @org/team or an email.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from atlas.discovery.files import RepoFiles
from atlas.discovery.model import Evidence, Findings, OwnerFinding

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: str
    owners: tuple[str, ...]
    line: int


def parse(text: str) -> list[Rule]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        rules.append(Rule(parts[0], tuple(parts[1:]), n))
    return rules


def matches(pattern: str, path: str) -> bool:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pat = pattern.lstrip("/")
    if pat in ("*", "**"):
        return True
    if pat.endswith("/"):
        return path.startswith(pat) if anchored else f"/{pat}" in f"/{path}"
    if anchored:
        return fnmatch.fnmatchcase(path, pat) or path.startswith(pat.rstrip("*") + "/") and "*" not in pat
    return any(fnmatch.fnmatchcase(part, pat) for part in path.split("/")) or fnmatch.fnmatchcase(path, pat)


def owner_of(rules: list[Rule], path: str) -> Rule | None:
    hit = None
    for rule in rules:
        if matches(rule.pattern, path):
            hit = rule  # the last match wins
    return hit


def team_id(owner: str) -> str:
    """@org/team-slug -> team-slug (the catalog's team id); '' for users and emails."""
    if owner.startswith("@") and "/" in owner:
        return owner.split("/", 1)[1].lower()
    return ""


def discover(repo: RepoFiles, findings: Findings) -> None:
    file = next((f for loc in LOCATIONS for f in repo.files if f.path == loc), None)
    if file is None:
        return
    rules = parse(file.text)
    for rule in rules:
        for owner in rule.owners:
            team = team_id(owner)
            if team:
                findings.teams.setdefault(team, Evidence("codeowners", file.where(rule.line), owner))
    for comp in findings.components.values():
        if comp.repo != repo.name or not comp.path or comp.id in findings.owners:
            continue
        rule = owner_of(rules, comp.path)
        teams = [t for t in (team_id(o) for o in rule.owners) if t] if rule else []
        if teams:
            findings.owners[comp.id] = OwnerFinding(
                comp.id, teams[0], [Evidence("codeowners", file.where(rule.line), f"{rule.pattern} {' '.join(rule.owners)}")])
