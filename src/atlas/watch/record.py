"""The manifest's `[watch]` table: the last watch result an experiment keeps, so a concluded
experiment still says whether its data can be trusted. Written with tomlkit through the
manifest's own update helper (comments and layout kept, atomic write); atlas owns this
table and replaces only it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from atlas.experiments.manifest import update_manifest
from atlas.watch.model import ExperimentWatch
from atlas.health.model import iso8601

TABLE = "watch"


def watch_record(result: ExperimentWatch) -> dict[str, Any]:
    """The plain values written (tests and the TUI read the same)."""
    out: dict[str, Any] = {"status": result.status.value, "checked_at": iso8601(result.taken_at),
                           "reason": result.reason, "command": f"atlas experiment watch {result.experiment}"}
    if result.since is not None:
        out["since"] = iso8601(result.since)
    for check in result.checks:
        out[check.name] = f"{check.status.value}: {check.reason}"
    srm = next((c for c in result.checks if c.name == "srm" and "p_value" in c.numbers), None)
    if srm is not None:
        out["srm_p_value"] = float(srm.numbers["p_value"])
        out["srm_requests"] = int(srm.numbers["requests"])
    return out


def record_watch(path: Path, result: ExperimentWatch) -> None:
    """Replace the manifest's [watch] table with this result."""
    import tomlkit

    values = watch_record(result)

    def change(doc: Any) -> None:
        table = tomlkit.table()
        for key, value in values.items():
            table[key] = value
        if TABLE in doc:
            doc[TABLE] = table
            return
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("Written by `atlas experiment watch --record`: the last watch of this experiment,"))
        doc.add(tomlkit.comment("kept after it concludes as the record of whether its data can be trusted."))
        doc[TABLE] = table

    update_manifest(Path(path), change)


def recorded(data: dict[str, Any]) -> dict[str, Any] | None:
    """The [watch] table of a manifest's parsed TOML, when there is one."""
    table = data.get(TABLE)
    return dict(table) if isinstance(table, dict) else None
