"""Discovery is headless core; repos can be named OWNER/NAME and read through the forge."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from atlas.cli import cli

from .conftest import ROOT

TOKEN = "ghp_discoverForgeToken0042"


def test_discovery_imports_no_textual_or_rich():
    code = ("import sys, atlas.discovery.run, atlas.discovery.compare, atlas.discovery.merge, atlas.discovery.init, "
            "atlas.discovery.live, atlas.discovery.drift, atlas.discovery.render, atlas.commands.discover; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_repos_by_name_are_read_through_the_forge(tmp_path):
    from atlas.emulators.github import GitHubEmulator, load_seed

    emulator = GitHubEmulator(load_seed(ROOT / "scenarios" / "repos"), token=TOKEN)
    emulator.start()
    try:
        env = {"GITHUB_API_URL": emulator.base_url, "GITHUB_TOKEN": TOKEN}
        res = CliRunner().invoke(cli, ["discover", "--catalog", str(ROOT / "catalog"), "--repo", "nw-recs/serving",
                                       "--format", "json"], env=env, catch_exceptions=False)
        missing = CliRunner().invoke(cli, ["discover", "--catalog", str(ROOT / "catalog"), "--repo", "nw-recs/nope"],
                                     env=env, catch_exceptions=False)
    finally:
        emulator.stop()
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    recs_api = next(c for c in data["components"] if c["id"] == "recs-api")
    assert recs_api["known"] and recs_api["evidence"][0]["where"] == "serving/deploy/recs-api/deployment.yaml:2"
    assert {("ranker-svc", "recs-api"), ("ranker", "explain-svc")} <= {(e["from"], e["to"]) for e in data["edges"]}
    assert TOKEN not in res.output
    assert "nw-recs/nope: cannot list files" in missing.stderr and TOKEN not in missing.output
