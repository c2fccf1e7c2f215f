"""The Discovery view: proposals with their evidence, read through the forge (the GitHub
emulator serving the sample repos); `a` accepts (tomlkit write), `d` rejects (recorded)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from textual.widgets import OptionList

import atlas.tui.app
from atlas.tui.app import AtlasApp
from atlas.services import Services
from atlas.tui.screens.discovery import DiscoveryScreen

from .conftest import SIZE, workers_done
from .screen_text import screen_text

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghp_discoveryScreenToken0042"


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    for name in ("catalog", "runbooks"):
        shutil.copytree(ROOT / name, tmp_path / "ws" / name)
    serving = tmp_path / "ws" / "catalog" / "systems" / "serving.toml"
    text = serving.read_text()
    start, end = text.index('[[component]]\nid = "explain-svc"'), text.index('[[component]]\nid = "recs-admin"')
    text = (text[:start] + text[end:]).replace('"retrieval-svc", "ranker-svc", "feature-fetcher"]',
                                                '"retrieval-svc", "feature-fetcher"]')
    serving.write_text(text)
    monkeypatch.setenv("ATLAS_KEYMAP", str(tmp_path / "no-keymap.toml"))
    return tmp_path / "ws"


@pytest.fixture
def github(monkeypatch):
    from atlas.emulators.github import GitHubEmulator, load_seed

    emulator = GitHubEmulator(load_seed(ROOT / "scenarios" / "repos"), token=TOKEN)
    emulator.start()
    monkeypatch.setenv("GITHUB_API_URL", emulator.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    yield emulator
    emulator.stop()


def make_app(workspace: Path, read_only: bool = False) -> AtlasApp:
    class DiscoveryApp(AtlasApp):
        CSS_PATH = str(Path(atlas.tui.app.__file__).parent / "atlas.tcss")
        DEFAULT_MODE = "discovery"

    return DiscoveryApp(Services(workspace / "catalog", demo=False), read_only=read_only, live=False,
                        refresh_seconds=None, clock=lambda: 1_800_000_000.0)


async def settle(app, pilot, rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def lines(app) -> list[str]:
    options = app.screen.query_one("#discovery-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_lists_proposals_with_evidence_and_a_accepts_d_rejects(workspace, github):
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DiscoveryScreen)
        assert lines(app) == ["+ component explain-svc (grpc_service) -> serving",
                              "+ edge explain-svc depends on ranker", "+ edge recs-api depends on ranker-svc"]
        assert "serving/terraform/serving.tf:36" in screen_text(app)  # the evidence of the highlighted one
        await pilot.press("a")
        await settle(app, pilot)
        assert "accepted explain-svc" in screen_text(app)
        assert lines(app) == ["+ edge recs-api depends on ranker-svc"]  # its edge came with it
        await pilot.press("d")
        await settle(app, pilot)
        assert lines(app) == []
        assert "nothing to propose" in screen_text(app)
    catalog = workspace / "catalog"
    comps = {c["id"]: c for c in tomllib.loads((catalog / "systems" / "serving.toml").read_text())["component"]}
    assert comps["explain-svc"]["depends_on"] == ["ranker"]
    assert "ranker-svc" not in comps["recs-api"]["depends_on"]
    rejected = tomllib.loads((catalog / "rejected.toml").read_text())["rejected_proposal"]
    assert [(r["component"], r["depends_on"]) for r in rejected] == [("recs-api", "ranker-svc")]


async def test_read_only_hides_accept_and_reject(workspace, github):
    app = make_app(workspace, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = (workspace / "catalog" / "systems" / "serving.toml").read_bytes()
        await pilot.press("a")
        await pilot.press("d")
        await settle(app, pilot)
        assert (workspace / "catalog" / "systems" / "serving.toml").read_bytes() == before
        assert not (workspace / "catalog" / "rejected.toml").exists()
