"""The sample catalog is a demo: `atlas experiment` reads its repos from an embedded GitHub
emulator, and refuses writes that would vanish with the command."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _sample(tmp_path: Path) -> Path:
    for name in ("catalog", "runbooks", "scenarios"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path / "catalog"


def _run(args, monkeypatch):
    for name in ("GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # no `gh` to fall back on
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_plan_on_the_demo_catalog_reads_the_embedded_repos(tmp_path, monkeypatch):
    catalog = _sample(tmp_path)
    result = _run(["experiment", "plan", "--catalog", str(catalog), "exp-ranker-dwell-v2"], monkeypatch)
    assert result.exit_code == 0, result.output
    for path in ("config/features.toml", "pipelines/ranker/variants.yaml", "deploy/ranker-svc/experiments.json"):
        assert path in result.output
    assert "ok   weights" in result.output or "arm weights sum to 1" in result.output


def test_apply_on_the_demo_catalog_explains_how_to_get_a_lasting_github(tmp_path, monkeypatch):
    catalog = _sample(tmp_path)
    before = (catalog / "experiments" / "exp-ranker-dwell-v2.toml").read_bytes()
    result = _run(["experiment", "apply", "--catalog", str(catalog), "exp-ranker-dwell-v2"], monkeypatch)
    assert result.exit_code == 1
    assert "atlas emulator" in result.output and "Traceback" not in result.output
    assert (catalog / "experiments" / "exp-ranker-dwell-v2.toml").read_bytes() == before
