"""Where people look: the demo app's experiments screen shows each running experiment's
watch with health's glyphs, and the header a badge while one is failing (the real app on
the demo's services, its emulators in-process, the clock frozen)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from atlas.services import Services
from atlas.tui.app import AtlasApp
from atlas.tui.screens.experiments import ExperimentsScreen

from tests.watch.conftest import NOW, ROOT

from .conftest import workers_done


async def settle(app, pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def cells(app, experiment_id: str) -> list[str]:
    return [str(c) for c in app.screen.query_one(DataTable).get_row(experiment_id)]


async def test_the_experiments_screen_and_the_header_show_the_failing_experiment(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_KEYMAP", str(tmp_path / "no-keymap.toml"))
    services = Services(ROOT / "catalog", demo=True, scratch=True, now=lambda: NOW,
                        env={"HOME": str(tmp_path), "ATLAS_KEYMAP": str(tmp_path / "no-keymap.toml")})
    app = AtlasApp(services, read_only=True, refresh_seconds=None, clock=lambda: NOW)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(app, pilot)
            await pilot.press("x")
            await settle(app, pilot)
            assert isinstance(app.screen, ExperimentsScreen)
            wide, healthy = cells(app, "exp-ranker-wide-v1"), cells(app, "exp-ranker-item-age")
            assert wide[:4] == ["exp-ranker-wide-v1", "ranker", "merged", "✖ CRIT srm"]
            assert healthy[3] == "● OK"
            assert cells(app, "exp-ranker-dwell-v2")[3] == "-"  # a draft is not watched
            header = str(app.screen.query_one("AtlasHeader").render())
            assert "✖ 1 EXPERIMENT FAILING" in header
            table = app.screen.query_one(DataTable)
            table.move_cursor(row=sorted(app.screen.manifests).index("exp-ranker-wide-v1"))
            await settle(app, pilot)
            detail = str(app.screen.query_one("#experiments-detail", Static).render())
            assert "✖ srm" in detail and "treatment 49.6 % of 6.9 M, expected 50.0 %" in detail
            assert "atlas experiment watch exp-ranker-wide-v1" in detail
    finally:
        services.close()
