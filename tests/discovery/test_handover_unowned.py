"""The handover plan lists live resources no component declares as actions (`--gcp`): the
sample scenario serves one hand-made BigQuery subscription that the catalog lacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_handover_gcp_lists_the_unowned_subscription_as_an_action():
    done = subprocess.run([sys.executable, "-m", "atlas.cli", "handover", "--catalog", str(ROOT / "catalog"),
                           "--gcp", "--no-issues", "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "ATLAS_CACHE_DIR": "off"})
    assert done.returncode == 0, done.stderr
    actions = json.loads(done.stdout)["actions"]
    claims = [a for a in actions if a.get("kind") == "claim-unowned"]
    assert [a["component"] for a in claims] == ["clickstream-raw-archive"], claims
    assert "no catalog component declares" in claims[0]["text"]


def test_handover_without_gcp_reads_nothing_live():
    done = subprocess.run([sys.executable, "-m", "atlas.cli", "handover", "--catalog", str(ROOT / "catalog"),
                           "--no-issues", "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "ATLAS_CACHE_DIR": "off"})
    assert done.returncode == 0 and "DEMO" not in done.stderr
    assert not [a for a in json.loads(done.stdout)["actions"] if a.get("kind") == "claim-unowned"]
