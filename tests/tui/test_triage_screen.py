"""The triage screen: causes first, symptoms folded under them, owner and runbook one key away."""

from __future__ import annotations

from .conftest import SIZE, settle
from .product import all_ok
from .screen_text import screen_text


async def test_cause_on_top_with_symptoms_under_it(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        cause = next(i for i, line in enumerate(lines) if "sessionizer" in line)
        assert "CAUSE" in lines[cause] and "✖ CRIT" in lines[cause]
        assert "data-eng" in lines[cause] and "pagerduty:PD-DATA" in lines[cause]
        assert "runbook ✗" in lines[cause]  # declared, but the file is not there
        assert "features" in lines[cause + 1] and "symptom" in lines[cause + 1]
        assert "ranker-svc" in lines[cause + 2] and "no on-call" in lines[cause + 2]
        assert "runbook ✓" in lines[cause + 2]
        assert "6 downstream at risk" in screen_text(app)


async def test_space_folds_symptoms(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "space")
        await pilot.pause()
        assert "symptom" not in screen_text(app)
        await pilot.press("space")
        await pilot.pause()
        assert "symptom" in screen_text(app)


async def test_enter_r_and_l_open_the_component(source, make_app):
    app = make_app(source)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "down", "down", "enter")
        await settle(app, pilot)
        assert app.screen.component_id == "ranker-svc"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.TITLE == "Triage"
        await pilot.press("r")  # the runbook full screen, at its first steps
        await settle(app, pilot)
        assert app.screen.TITLE == "Runbook" and app.screen.component_id == "ranker-svc"
        assert app.focused.id == "runbook-full"
        await pilot.press("escape", "l")
        await settle(app, pilot)
        assert app.focused.id == "details"
        assert "deadline exceeded" in screen_text(app)


async def test_nothing_failing_says_so(catalog, make_app):
    from .product import ScriptedServices

    app = make_app(ScriptedServices(catalog, [all_ok(catalog)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        assert "Nothing is failing" in screen_text(app)


async def test_no_health_data_is_not_all_clear(source, make_app):
    app = make_app(source, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert "No health data yet" in text and "Nothing is failing" not in text


async def test_a_refresh_keeps_the_readers_place(catalog, make_app):
    from .product import ScriptedServices, incident

    app = make_app(ScriptedServices(catalog, [incident(catalog), incident(catalog, taken_at=1_790_000_030.0)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "down", "down")
        assert app.focus_id == "ranker-svc"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "refreshed 14:13:50 UTC" in screen_text(app)
        assert app.screen.query_one("Tree").cursor_node.data == "ranker-svc"
        assert "symptom" in screen_text(app)  # still unfolded


async def test_all_no_data_is_not_all_clear(catalog, make_app):
    """A refresh that measured nothing (no signals answered) ranks nothing: that is not an all-clear."""
    from .product import ScriptedServices, Snapshot

    app = make_app(ScriptedServices(catalog, [Snapshot({})]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert f"No health data for any of the {len(catalog.components)} components" in text
        assert "Nothing is failing" not in text
