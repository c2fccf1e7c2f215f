"""The architecture holds: import-linter contracts (pyproject.toml `[tool.importlinter]`)
checked statically, and one probe per area of what a fresh interpreter has loaded after
importing it (lazy imports are invisible to a static check: the Google clients, PyGithub
and the TUI must not load before they are used)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.is_file(), "import-linter is not installed: pip install -e '.[dev]'"
    done = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_every_package_but_the_tui_is_under_the_headless_contract():
    children = {f"atlas.{p.stem}" for p in (ROOT / "src" / "atlas").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    covered = set(contracts()["headless"]["source_modules"])
    missing = sorted(children - covered - {"atlas.tui"})
    assert missing == [], f"add {missing} to source_modules of the 'headless' contract in pyproject.toml"


# area -> (modules to import, code to run after the imports, packages that must not be loaded)
UI = ("textual", "rich")
GOOGLE = ("grpc", "google.cloud")
PROBES = {
    "catalog": (
        ["atlas.catalog.loader", "atlas.catalog.lint", "atlas.catalog.writeback", "atlas.catalog.backstage",
         "atlas.catalog.schema", "atlas.graph", "atlas.commands.catalog"],
        "", UI),
    # queries and layout run too (on networkx, the graph engine): none of them may pull in a
    # UI or a cloud client
    "graph": (
        ["atlas.graph", "atlas.graph.layout", "tests.graph.catalogs"],
        "graph = atlas.graph.CatalogGraph(tests.graph.catalogs.recs_slice())\n"
        "graph.blast_radius('events'); graph.topological_order()\n"
        "atlas.graph.layout.layered(graph, graph.members('serving'))\n",
        (*UI, "google.cloud.monitoring_v3", "github")),
    "health": (
        ["atlas.health.service", "atlas.health.triage", "atlas.health.planner", "atlas.health.evaluate",
         "atlas.health.links", "atlas.health.report", "atlas.health.clients", "atlas.commands.health"],
        "", (*UI, *GOOGLE)),
    "handover": (
        ["atlas.commands.handover", "atlas.handover.plan", "atlas.handover.report", "atlas.handover.issues",
         "atlas.handover.tour", "atlas.handover.knowledge", "atlas.handover.runbook", "atlas.handover.whois",
         "atlas.handover.history"],
        "", (*UI, *GOOGLE, "github", "networkx")),
    "experiments": (
        ["atlas.experiments.apply", "atlas.experiments.verify", "atlas.experiments.lifecycle",
         "atlas.experiments.production", "atlas.experiments.workspace", "atlas.commands.experiment"],
        "", (*UI, "github")),
    # the services seam: building it loads the catalog and graph, never a client or a UI
    "services": (
        ["atlas.services", "atlas.commands.common"],
        "s = atlas.services.Services('catalog', demo=False, env={}); s.load(); s.experiments()\n",
        (*UI, *GOOGLE, "github")),
}

PROBE = """
import json, sys
for name in {modules!r}:
    globals()[name.split(".")[0]] = __import__(name)
{then}
print(json.dumps(sorted({{m for m in sys.modules for p in {forbidden!r} if m == p or m.startswith(p + ".")}})))
"""


@pytest.mark.parametrize("area", sorted(PROBES))
def test_importing_an_area_loads_no_ui_and_no_client_it_does_not_use_yet(area):
    modules, then, forbidden = PROBES[area]
    code = PROBE.format(modules=modules, then=then, forbidden=forbidden)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
