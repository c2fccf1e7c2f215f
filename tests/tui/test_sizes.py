"""Every screen at 80x24, 100x30, 120x36 and 200x60 keeps its key bar (`q quit` in it) and
its reason column; snapshot tests at those sizes for catalog, component, triage, graph,
handover and the wizard. Injected data, frozen clock, no timers, the theme pinned.

Update after an intended change with `pytest tests/tui/test_sizes.py --snapshot-update` and
look at the report before committing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import pinned, steps
from .screen_text import screen_text

SIZES = [(80, 24), (100, 30), (120, 36), (200, 60)]
IDS = [f"{w}x{h}" for w, h in SIZES]
ROOT = Path(__file__).resolve().parents[2]


SCREENS = {
    "catalog": steps(),
    "component": steps(component="ranker-svc"),
    "triage": steps("t"),
    "graph": steps("g", focus="features"),
    "blast": steps("b"),
}


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(screen, size, source, make_app, snap_compare):
    assert snap_compare(make_app(source), terminal_size=size, run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_key_bar_and_reason_at_every_size(screen, size, source, make_app):
    app = make_app(source)
    async with app.run_test(size=size) as pilot:
        await SCREENS[screen](pilot)
        lines = screen_text(app).splitlines()
        bar = lines[-1]
        assert bar.startswith(" : command  ? help  q quit  ") and " esc back" in bar, bar
        text = "\n".join(lines)
        reason = {"catalog": "system lag 412 s", "component": "error ratio 2.1 %", "triage": "system lag 412 s",
                  "graph": None, "blast": "no new rows for 47 min"}[screen]
        if reason:
            assert reason in text, text


# ---- the handover plan and the wizard, on copies of the sample catalog -------------------------


@pytest.fixture
def sample(tmp_path, monkeypatch):
    for name in ("catalog", "runbooks"):
        shutil.copytree(ROOT / name, tmp_path / "ws" / name)
    monkeypatch.setenv("ATLAS_KEYMAP", str(tmp_path / "no-keymap.toml"))
    monkeypatch.setenv("ATLAS_USER", "amara")
    for name in ("GITHUB_API_URL", "GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "ws"


def handover_app(workspace: Path):
    from .test_handover_screen import make_app

    return pinned(make_app(workspace))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_snapshot_handover(size, sample, snap_compare):
    assert snap_compare(handover_app(sample), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_handover_keeps_the_why_at_every_size(size, sample):
    app = handover_app(sample)
    async with app.run_test(size=size) as pilot:
        await steps()(pilot)
        lines = screen_text(app).splitlines()
        assert lines[-1].startswith(" : command  ? help  q quit"), lines[-1]
        assert any("feature-backfill" in line and "tier 1 · 27 down" in line for line in lines), "\n".join(lines)


def wizard_app(workspace: Path):
    from atlas.tui.wizard.backend import ExperimentsBackend
    from atlas.tui.wizard.draft import WizardDraft
    from atlas.tui.wizard.start import IdentityStep

    from .test_wizard import Host, services_for

    backend = ExperimentsBackend(services_for(workspace / "catalog", bare_header=True))
    draft = WizardDraft.start(backend.workspace().templates["ranker"])
    draft.experiment_id = "exp-ranker-lr-v1"
    return pinned(Host(backend.services, lambda: IdentityStep(backend, draft)))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_snapshot_wizard(size, sample, snap_compare):
    assert snap_compare(wizard_app(sample), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_wizard_keeps_its_key_bar_at_every_size(size, sample):
    app = wizard_app(sample)
    async with app.run_test(size=size) as pilot:
        await steps()(pilot)
        bar = screen_text(app).splitlines()[-1]
        # a form: q is text here, so the bar does not offer quit; esc and ctrl+n are there
        assert bar.startswith(" : command  ? help  esc back  ^n next"), bar
