"""The component screen: owner, handover, neighbours, signals, recent errors, runbook."""

from __future__ import annotations

from atlas.tui.screens.component import ComponentScreen

from .conftest import SIZE, settle
from .screen_text import screen_text


async def open_component(app, pilot, component_id: str) -> None:
    await settle(app, pilot)
    app.open_component(component_id)
    await settle(app, pilot)


async def test_everything_about_a_component_on_one_screen(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "ranker-svc")
        text = screen_text(app)
        assert "▲ WARN  ranker-svc" in text
        assert "Ranking Science (science)" in text and "#science" in text
        assert "on-call  none recorded" in text
        assert "old-core · stage shadowing" in text and "2027-02-28" in text and "Lena Berg" in text
        assert "https://github.com/shop/serving" in text
        # neighbours with their statuses
        assert "○ NO DATA feature-cache" in text and "● OK      ranker-model" in text
        assert "● OK      recs-api" in text
        # the signal: value, unit, thresholds, and a sparkline of its points
        assert "grpc-errors  2.1 %" in text and "warn > 1 %, crit > 5 %" in text
        assert any(ch in text for ch in "▁▂▃▄▅▆▇█")
        # recent errors, loaded in a worker
        assert "deadline exceeded calling ranker-model" in text and "CRITICAL" in text
        # the runbook, rendered beside the rest
        assert "ranker-svc runbook" in text and "Serving old predictions" in text


async def test_enter_on_upstream_jumps_there_and_esc_comes_back(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "ranker-svc")
        await pilot.press("u", "down", "enter")  # upstream: feature-cache, then ranker-model
        await settle(app, pilot)
        assert app.screen.component_id == "ranker-model"
        await pilot.press("d", "enter")  # downstream of the model: explain-svc first
        await settle(app, pilot)
        assert app.screen.component_id == "explain-svc"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen.component_id == "ranker-svc"


async def test_missing_runbook_is_said_and_a_fix_suggested(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "features")
        text = screen_text(app)
        assert "No runbook for features" in text
        assert "atlas runbook new features" in text
        await pilot.press("escape")
        app.open_component("sessionizer")  # declared, but the file is not there
        await settle(app, pilot)
        assert "Runbook runbooks/sessionizer.md is missing" in screen_text(app)


async def test_read_only_does_not_suggest_writing_a_runbook(source, make_app):
    app = make_app(source, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "features")
        text = screen_text(app)
        assert "No runbook for features" in text
        assert "atlas runbook new" not in text


async def test_narrow_terminal_uses_tabs_and_r_shows_the_runbook(source, make_app):
    app = make_app(source)
    async with app.run_test(size=(90, 36)) as pilot:
        await open_component(app, pilot, "ranker-svc")
        text = screen_text(app)
        assert "Details" in text and "Runbook" in text
        assert "Serving old predictions" not in text
        await pilot.press("r")
        await pilot.pause()
        assert "Serving old predictions" in screen_text(app)


async def test_log_failure_is_one_line_not_a_traceback(source, make_app):
    class Broken(type(source)):
        def recent_errors(self, component_id, limit=50):
            raise TimeoutError("Cloud Logging did not answer in 10 s\nTraceback (most recent call last): ...")

    app = make_app(Broken(source.catalog))
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "ranker-svc")
        text = screen_text(app)
        assert "could not read logs: Cloud Logging did not answer in 10 s" in text
        assert isinstance(app.screen, ComponentScreen)


async def test_links_stay_on_the_screen_one_key_opens_one_copies(source, make_app, monkeypatch):
    from atlas.catalog.model import LogFilterTemplate

    from .screen_text import Notices

    monkeypatch.delenv("DISPLAY", raising=False)
    source.catalog.log_filters.append(LogFilterTemplate(("dataflow_job",), 'resource.labels.job_name="{id}"'))
    app = make_app(source)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await open_component(app, pilot, "sessionizer")
        screen = app.screen
        labels = [link.label for link in screen.links]
        assert labels[0] == "Logs Explorer (severity>=ERROR)" and "Metrics Explorer: lag" in labels
        assert "severity%3E%3DERROR" in screen.links[0].url and "shop-data" in screen.links[0].url
        await pilot.press("k", "down", "y")  # the links list, the second link, copied (OSC 52)
        await pilot.pause()
        assert app.clipboard == screen.links[1].url
        await pilot.press("up", "o")  # o opens (here: copies, no browser beside the terminal)
        await pilot.pause()
        assert app.clipboard == screen.links[0].url
        assert any("severity%3E%3DERROR" in m for m in notices.messages())
        text = screen_text(app)
        assert "Logs Explorer (severity>=ERROR)  https://console" in text  # cut to fit, whole in o and y


async def test_log_lines_carry_date_and_age(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_component(app, pilot, "ranker-svc")
        text = screen_text(app)
        assert "2026-09-21 14:11:20 UTC (2 min ago) ERROR" in text
        assert "2026-09-21 14:12:20 UTC (60 s ago) CRITICAL" in text


async def test_r_opens_the_runbook_full_screen_at_its_first_steps(tmp_path, make_app):
    """The sample's feature-backfill runbook at 120x36: "First steps" and its first command
    on screen as it opens, the commands wrapped, never cut."""
    import shutil
    from pathlib import Path

    from atlas.catalog.loader import load_catalog

    from .product import ScriptedServices, all_ok

    root = Path(__file__).resolve().parents[2]
    for name in ("catalog", "runbooks"):
        shutil.copytree(root / name, tmp_path / name)
    catalog = load_catalog(tmp_path / "catalog").catalog
    app = make_app(ScriptedServices(catalog, [all_ok(catalog)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.focus_id = "feature-backfill"
        await pilot.press("r")
        await settle(app, pilot)
        assert app.screen.TITLE == "Runbook"
        lines = screen_text(app).splitlines()
        assert lines[3].strip() == "First steps"
        body = "\n".join(lines[3:-1])
        assert "gcloud dataflow jobs list --region us-central1 --project nw-recs-data-prod" in body
        assert "--format='value(timestamp,jsonPayload.message)'" in body  # the end of a long line, wrapped
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.TITLE == "Catalog"
