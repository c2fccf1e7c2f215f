"""The services seam: one load per process, demo mode in one place and on a scratch copy,
endpoints handed to the clients (never through os.environ), and lint of manifests."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.services import Services

ROOT = Path(__file__).resolve().parents[2]


def tree_digest(*dirs: Path) -> str:
    """Every file's path and bytes under the given directories."""
    digest = hashlib.sha256()
    for top in dirs:
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(top.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the sample workspace (catalog, runbooks, scenario): what `make run` shows."""
    for name in ("catalog", "runbooks", "scenarios"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path / "catalog"


def test_the_catalog_is_loaded_once_per_process(sample, monkeypatch):
    import atlas.catalog.loader as loader

    calls = []
    real = loader.load_catalog
    monkeypatch.setattr(loader, "load_catalog", lambda root: calls.append(root) or real(root))
    services = Services(sample, demo=False)
    assert services.catalog is services.load().catalog
    services.graph, services.experiments(), services.experiments()
    assert len(calls) == 1


def test_demo_session_writes_only_its_scratch_copy(sample):
    """Marking a component learned and writing a wizard draft change the scratch copy; the
    checkout's files are byte-identical afterwards and the copy is gone on close."""
    before = tree_digest(sample, sample.parent / "runbooks")
    services = Services(sample, demo=True, scratch=True, env={"ATLAS_USER": "amara"})
    scratch = services.catalog_dir
    assert scratch != sample and scratch.is_dir()
    learned = services.mark_learned("feature-backfill", "amara", "can-debug")
    assert learned.changed and Path(learned.file).is_relative_to(scratch.parent)
    ws = services.experiments()
    draft = (sample / "experiments" / "exp-ranker-dwell-v2.toml").read_text(encoding="utf-8")
    (ws.catalog_root / "experiments" / "exp-ranker-demo.toml").write_text(
        draft.replace('id = "exp-ranker-dwell-v2"', 'id = "exp-ranker-demo"'), encoding="utf-8")
    assert [m.id for m in ws.manifests()[0]] == ["exp-ranker-demo", "exp-ranker-dwell-v2", "exp-ranker-item-age",
                                                 "exp-ranker-wide-v1"]
    services.close()
    assert tree_digest(sample, sample.parent / "runbooks") == before
    assert not scratch.exists()
    # a restarted demo starts from the sample again: no experiment whose PRs vanished
    again = Services(sample, demo=True, scratch=True)
    assert [m.id for m in again.experiments().manifests()[0]] == ["exp-ranker-dwell-v2", "exp-ranker-item-age",
                                                                  "exp-ranker-wide-v1"]
    again.close()


def test_demo_endpoints_reach_the_clients_without_touching_os_environ(sample, monkeypatch):
    for key in ("MONITORING_EMULATOR_HOST", "LOGGING_EMULATOR_HOST", "GITHUB_API_URL", "GITHUB_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    before = dict(os.environ)
    with Services(sample, env=dict(os.environ)) as services:  # the sample says demo = true
        github_only = services.env_for("github")
        assert github_only["GITHUB_API_URL"].startswith("http://127.0.0.1:")
        assert "MONITORING_EMULATOR_HOST" not in github_only  # handover pays for GitHub alone
        both = services.env_for("gcp", "github")
        assert both["GITHUB_API_URL"] == github_only["GITHUB_API_URL"]  # state lives on one emulator
        snapshot = services.refresh_health()
        assert snapshot.components["feature-backfill"].status.value == "CRIT"
        assert services.forge().read_file("nw-recs/serving", "deploy/ranker-svc/experiments.json", "main")
        assert dict(os.environ) == before


def test_a_users_endpoint_wins_over_the_demo_emulator(sample):
    services = Services(sample, env={"GITHUB_API_URL": "http://127.0.0.1:9/api/v3"})
    assert services.env_for("github")["GITHUB_API_URL"] == "http://127.0.0.1:9/api/v3"
    services.close()


def test_a_demo_without_a_scenario_says_so(tmp_path):
    from tests.helpers import component, write_catalog

    root = write_catalog(tmp_path, components=[component("events", kind="bigquery_dataset", owner="data-eng")])
    services = Services(root, demo=True)
    report = services.issues()
    assert report.errors and "demo_scenario" in report.errors[0]


def test_the_tui_never_reads_the_environment():
    """Screens get settings from the services' mapping (see atlas.tui.context)."""
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "src" / "atlas" / "tui").rglob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "os.environ" in line or "getenv(" in line]
    assert offenders == []


# ---- lint of experiment manifests ------------------------------------------------------------


def atlas(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "ATLAS_CACHE_DIR": "off"})


def test_lint_names_the_manifest_and_owner_of_an_unknown_team(sample):
    manifest = sample / "experiments" / "exp-ranker-dwell-v2.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('owner = "ranking-science"',
                                                                      'owner = "ranking-sciense"'), encoding="utf-8")
    done = atlas("lint", "--catalog", str(sample), "--errors-only", cwd=sample.parent)
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(ln for ln in done.stdout.splitlines() if "unknown" in ln or "not a team" in ln)
    assert "catalog/experiments/exp-ranker-dwell-v2.toml" in line and ": owner:" in line
    assert "did you mean ranking-science?" in line
    assert "Traceback" not in done.stderr


def test_lint_reports_bad_weights_and_two_manifests_with_one_id(sample):
    original = (sample / "experiments" / "exp-ranker-dwell-v2.toml").read_text(encoding="utf-8")
    (sample / "experiments" / "copy.toml").write_text(original, encoding="utf-8")
    heavy = original.replace("weight = 0.5\n\n[arm.params]", "weight = 0.6\n\n[arm.params]")
    (sample / "experiments" / "exp-ranker-dwell-v2.toml").write_text(heavy, encoding="utf-8")
    done = atlas("lint", "--catalog", str(sample), "--json", cwd=sample.parent)
    assert done.returncode == 1
    import json

    problems = json.loads(done.stdout)["problems"]
    by_code = {(p["code"], p["field"]) for p in problems if p["severity"] == "error"}
    assert ("manifest-invalid", "arm weights") in by_code
    dup = next(p for p in problems if p["code"] == "duplicate-experiment")
    assert dup["field"] == "id" and "copy.toml" in dup["file"] + dup["message"]


def test_lint_of_the_sample_has_no_manifest_error():
    done = atlas("lint", "--catalog", str(ROOT / "catalog"), "--errors-only", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_killed_sessions_scratch_copy_is_removed_by_the_next_demo(sample, tmp_path, monkeypatch):
    """A closed terminal kills the TUI before it can clean up: the next demo removes the
    copy, and never a live session's or a directory that is not a session's."""
    import tempfile

    from atlas.services.demo import OWNER_FILE

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    orphan = tmp_path / "atlas-demo-orphan"
    (orphan / "catalog").mkdir(parents=True)
    (orphan / OWNER_FILE).write_text(dead)
    live = tmp_path / "atlas-demo-live"
    live.mkdir()
    (live / OWNER_FILE).write_text(str(os.getppid()))
    unmarked = tmp_path / "atlas-demo-unmarked"
    unmarked.mkdir()
    services = Services(sample, demo=True, scratch=True)
    services.load()
    assert not orphan.exists() and live.exists() and unmarked.exists()
    services.close()
