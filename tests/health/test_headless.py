"""The health core stays headless and cheap to import: no Textual/Rich ever, and the Google
client libraries only once a refresh actually runs (the TUI's first frame must not wait)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import json, sys
import atlas.health.service, atlas.health.triage, atlas.health.planner, atlas.health.evaluate
import atlas.health.links, atlas.health.report, atlas.health.clients, atlas.commands.health
heavy = sorted({m.split(".")[0] + ("." + m.split(".")[1] if m.startswith("google.") and "." in m else "")
                for m in sys.modules if m.split(".")[0] in ("textual", "rich", "grpc") or m.startswith("google.cloud")})
print(json.dumps(heavy))
"""


def test_importing_the_health_core_loads_no_ui_and_no_google_clients():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == []
