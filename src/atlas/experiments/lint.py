"""`atlas lint` for experiments: templates and every manifest under catalog/experiments/,
checked in one pass with the catalog's own `Problem`s (file, entity, field, likely fix).

The manifest rules are the parser's (template known, parameters in range, weights summing
to 1, coverage in (0, 1]); lint adds what needs the whole catalog: the owner is a team or
person of it, and no two manifest files claim the same experiment id.
"""

from __future__ import annotations

import re
from pathlib import Path

from atlas.catalog.problems import Problem
from atlas.catalog.validate import did_you_mean
from atlas.experiments.errors import ManifestError
from atlas.experiments.manifest import list_manifests, load_manifest
from atlas.experiments.workspace import ExperimentWorkspace

# "<file>: experiment <id>: <field>: <message>" as the parser words its problems
_PARSER_LINE = re.compile(r"^(?P<file>.+?): experiment (?P<id>[^:]+): (?P<rest>.*)$")
_FIELD = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]-]*(?: [\w-]+)?): (?P<message>.+)$")


def lint_experiments(ws: ExperimentWorkspace) -> list[Problem]:
    problems = [_template_problem(line, ws.catalog_root) for line in ws.template_errors]
    if ws.template_errors:
        return problems  # every manifest would fail on the templates: say it once
    claimed: dict[str, Path] = {}
    for path in list_manifests(ws.catalog_root):
        declared = _declared_id(path)
        if declared:
            first = claimed.setdefault(declared, path)
            if first != path:
                problems.append(Problem("error", "duplicate-experiment", f"experiment id {declared} is also "
                                        f"claimed by {first.name}: apply would let one rewrite the other's PRs",
                                        path, f"experiment {declared}", "id", "rename one of them (file and id)"))
        try:
            manifest = load_manifest(path, ws.templates)
        except ManifestError as exc:
            problems.extend(_manifest_problem(line, path) for line in exc.problems)
            continue
        if manifest.owner and manifest.owner not in ws.teams and manifest.owner not in ws.people:
            hint = did_you_mean(manifest.owner, sorted(ws.teams | ws.people))
            problems.append(Problem("error", "unknown-owner", f"owner {manifest.owner!r} is not a team or person "
                                    "of the catalog", path, f"experiment {manifest.id}", "owner",
                                    hint or "set owner to a team id (see teams.toml)"))
    return problems


def _declared_id(path: Path) -> str:
    """The `id` a manifest file declares, even when the rest of it is wrong."""
    from atlas.bounded import toml_loads

    if not path.is_file():  # a FIFO or a device: the parser says so, lint never blocks on it
        return ""
    try:
        # bounded: a deeply nested file is a ValueError (InputLimitError), not a RecursionError
        value = toml_loads(path.read_text(encoding="utf-8"), str(path)).get("id")
    except (OSError, ValueError):
        return ""
    return value if isinstance(value, str) else ""


def _manifest_problem(line: str, path: Path) -> Problem:
    entity, fld, message = "", "", line
    match = _PARSER_LINE.match(line)
    if match:
        entity = f"experiment {match['id']}"
        message = match["rest"]
        parts = _FIELD.match(message)
        if parts:
            fld, message = parts["field"], parts["message"]
    elif line.startswith(f"{path}: "):
        message = line[len(f"{path}: "):]
    hint = ""
    for opener in (" (did you mean ", " (known: "):
        if opener in message and message.endswith(")"):
            message, _, tail = message.partition(opener)
            hint = opener.strip(" (") + tail[:-1]
            break
    return Problem("error", "manifest-invalid", message, path, entity, fld, hint)


def _template_problem(line: str, catalog_root: Path) -> Problem:
    file, sep, rest = line.partition(": ")
    path = Path(file) if sep and file.endswith(".toml") else None
    return Problem("error", "template-invalid", rest if path else line, path, "experiment templates")
