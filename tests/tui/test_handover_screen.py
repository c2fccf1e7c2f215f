"""The Handover screen on a copy of the sample catalog: every component ranked by risk,
each rule's verdict and who to ask behind enter, the action list with the command to run,
the filter, and GitHub issues read from the emulator over a real loopback socket (or a
one-line reason when GitHub is unreachable)."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList

import atlas.tui.app
from atlas.tui.app import AtlasApp
from atlas.services import Services
from atlas.tui.handover.detail import ReadinessDetail
from atlas.tui.screens.handover import HandoverScreen

from .conftest import SIZE, workers_done
from .screen_text import screen_text

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 27)  # the handover core's tests use the same day
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.timezone.utc).timestamp()
TOKEN = "ghp_handoverScreenToken0042"


class OfflineServices(Services):
    """The real catalog loading; no live health and no logs (the app runs with live=False),
    so opening a component never reaches for Google."""

    def recent_errors(self, component_id: str, limit: int = 50) -> list:
        return []


def make_app(workspace: Path, *, issues: bool = False, read_only: bool = False) -> AtlasApp:
    """The real app with the Handover area registered the way app.py will register it."""

    class HandoverApp(AtlasApp):
        CSS_PATH = str(Path(atlas.tui.app.__file__).parent / "atlas.tcss")
        MODES = {**AtlasApp.MODES, "handover": lambda: HandoverScreen(today=TODAY, issues=issues)}
        DEFAULT_MODE = "handover"

    source = OfflineServices(workspace / "catalog", demo=False)
    return HandoverApp(source, read_only=read_only, live=False, refresh_seconds=None, clock=lambda: NOW)


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """The sample catalog and runbooks COPIED: whatever the screens write lands here."""
    for name in ("catalog", "runbooks"):
        shutil.copytree(ROOT / name, tmp_path / "ws" / name)
    monkeypatch.setenv("ATLAS_KEYMAP", str(tmp_path / "no-keymap.toml"))
    monkeypatch.setenv("ATLAS_USER", "amara")
    for name in ("GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "ws"


@pytest.fixture(scope="module")
def seed():
    from atlas.emulators.github import load_seed

    return load_seed(ROOT / "scenarios" / "repos")


@pytest.fixture
def github(seed, monkeypatch):
    from atlas.emulators.github import GitHubEmulator

    emulator = GitHubEmulator(seed, token=TOKEN)
    emulator.start()
    monkeypatch.setenv("GITHUB_API_URL", emulator.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    yield emulator
    emulator.stop()


async def settle(app, pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def rows(app) -> list[str]:
    table = app.screen.query_one("#handover-risks", DataTable)
    return [str(key.value) for key in table.rows]


def cells(app, component_id: str) -> dict[str, str]:
    """Column label -> cell text (narrow terminals show fewer columns)."""
    table = app.screen.query_one("#handover-risks", DataTable)
    labels = [str(c.label) for c in table.columns.values()]
    return dict(zip(labels, (str(cell) for cell in table.get_row(component_id))))


async def highlight(app, pilot, component_id: str) -> None:
    table = app.screen.query_one("#handover-risks", DataTable)
    table.move_cursor(row=table.get_row_index(component_id))
    await pilot.pause()


WIDE = (170, 40)  # every column of the risk table


async def test_every_component_is_listed_riskiest_first(workspace):
    app = make_app(workspace)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        listed = rows(app)
        catalog = app.workspace.catalog
        assert sorted(listed) == sorted(catalog.components) and len(listed) == 50
        # what would hurt most first: tier 1, 27 downstream, support ending, with the why
        assert listed[0] == "feature-backfill"
        assert cells(app, "feature-backfill")["why it ranks here"] == "tier 1 · 27 down · support 18 d"
        assert "model-sync" in listed[:8]
        model_sync = cells(app, "model-sync")
        assert model_sync["component"] == "model-sync"
        assert model_sync["support until"] == "2027-01-15 49 d"  # support until, days left
        assert model_sync["gaps"].startswith("runbook")  # the biggest gap first
        # a support window closing within 30 days is there to see
        assert cells(app, "feature-backfill")["support until"] == "2026-12-15 18 d"
        text = screen_text(app)
        assert "Readiness 78/100" in text
        for system in ("Data pipelines", "Feature store", "Training", "Serving"):
            assert system in text
        assert "7 to do now" in text and "5 support windows close within 30 days" in text
        assert "issues: not fetched" in text


async def test_enter_shows_each_rule_who_to_ask_and_open_issues(workspace, github):
    app = make_app(workspace, issues=True)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert "issues: 11 bugs, 6 improvements open" in screen_text(app)
        assert cells(app, "ranker-svc")["issues"] == "2 bugs +1"
        await highlight(app, pilot, "model-sync")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadinessDetail)
        text = screen_text(app)
        assert "model-sync  readiness 49/100" in text
        assert "✖ runbook present" in text and "no runbook declared" in text
        assert "✔ owner set" in text and "owned by ml-platform" in text
        assert "ask       Raj Patel (raj)" in text  # who to ask from the previous team
        assert "can-operate Diego Álvarez (diego)" in text
        assert "$ atlas runbook new model-sync" in text
        await pilot.press("escape")
        await highlight(app, pilot, "ranker-svc")
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "ranker-svc p99 latency over 200 ms after model reload" in text
        assert "experiments.json: validate arm weights and aliases in CI" in text
        assert TOKEN not in text
        await pilot.press("enter")  # on to the full component screen
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ComponentScreen"
        assert app.screen.component_id == "ranker-svc"


async def test_action_list_says_what_to_do_now_with_the_command(workspace):
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        options = app.screen.query_one("#handover-actions", OptionList)
        assert options.has_focus
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "Now (7)"
        now = prompts[1:prompts.index(next(p for p in prompts if p.startswith("Soon")))]
        runbook = next(p for p in now if "model-sync" in p)
        assert runbook.startswith("  Write the runbook for model-sync\n")
        assert runbook.endswith("ml-platform · $ atlas runbook new model-sync")
        pair = now[0]
        assert "Pair with olga (recs-core) on feature-backfill" in pair
        assert "due 2026-12-15 (18 days left)" in pair
        assert "$ atlas runbook new model-sync" in screen_text(app)


async def test_slash_filters_by_team_or_id_and_esc_clears(workspace):
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ml-pl")
        await pilot.pause()
        owners = {app.workspace.catalog.components[cid].owner for cid in rows(app)}
        assert owners == {"ml-platform"} and "model-sync" in rows(app)
        await pilot.press("enter")
        assert app.screen.query_one("#handover-risks", DataTable).has_focus
        await pilot.press("slash", "ctrl+u", *"ranker svc")  # words ANDed: the id this time
        await pilot.pause()
        assert rows(app) == ["ranker-svc"]
        await pilot.press("escape")  # clears the filter, stays on the screen
        await pilot.pause()
        assert isinstance(app.screen, HandoverScreen) and len(rows(app)) == 50


async def test_unreachable_github_is_one_line_and_the_plan_still_shows(workspace, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}/api/v3")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    app = make_app(workspace, issues=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert f"issues unavailable: GitHub unreachable at 127.0.0.1:{port} (connection refused)" in text
        assert TOKEN not in text
        assert len(rows(app)) == 50


def test_snapshot(workspace, snap_compare):
    app = make_app(workspace)

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_demo_mode_reads_issues_from_the_embedded_emulator(workspace):
    """In demo mode the services start the embedded GitHub emulator when the screen first
    asks for issues: never api.github.com, and no waiting for health to start it."""
    shutil.copytree(ROOT / "scenarios", workspace / "scenarios")

    class DemoApp(AtlasApp):
        CSS_PATH = str(Path(atlas.tui.app.__file__).parent / "atlas.tcss")
        MODES = {**AtlasApp.MODES, "handover": lambda: HandoverScreen(today=TODAY)}
        DEFAULT_MODE = "handover"

    source = Services(workspace / "catalog", demo=True)
    app = DemoApp(source, refresh_seconds=None, clock=lambda: NOW)
    try:
        async with app.run_test(size=WIDE) as pilot:
            for _ in range(40):
                await settle(app, pilot, rounds=1)
                if app.screen.issues is not None and app.health.snapshot is not None:
                    break
            text = screen_text(app)
            assert " DEMO " in text
            assert "issues: 11 bugs, 6 improvements open" in text
            assert cells(app, "ranker-svc")["issues"] == "2 bugs +1"
    finally:
        source.close()
