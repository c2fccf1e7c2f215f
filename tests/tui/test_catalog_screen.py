"""The catalog screen: grouped, coloured-and-worded statuses, the `/` filter, drill-down."""

from __future__ import annotations

from atlas.tui.screens.catalog import CatalogScreen
from atlas.tui.screens.component import ComponentScreen

from .conftest import SIZE, settle
from .product import NOW, ScriptedServices, incident
from .screen_text import screen_text


async def test_components_grouped_by_system_in_data_flow_order(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        text = text[text.index("▼ Ingest"):]  # below the incident, every component once
        order = [text.index(s) for s in ("▼ Ingest", "events-topic", "sessionizer", "features", "▼ Serving",
                                           "ranker-model", "ranker-svc", "recs-api")]
        assert order == sorted(order)
        # status as glyph and word (readable without colour), with the reason when not OK
        assert "✖ CRIT" in text and "system lag 412 s > crit 300 s" in text
        assert "▲ WARN" in text and "error ratio 2.1 % > warn 1 %" in text
        assert "○ NO DATA" in text


async def test_header_has_name_counts_and_last_refresh(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "shopfront" in header
        assert "✖ 1 CRIT" in header and "▲ 1 WARN" in header and "◷ 1 STALE" in header and "● 4 OK" in header
        assert "refreshed 14:13:20 UTC" in header
        assert "DEMO" not in header


async def test_no_health_yet_shows_no_data_honestly(source, make_app):
    app = make_app(source, live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "no health data yet" in text
        assert "○ 8 NO DATA" in text.splitlines()[0]
        assert "OK " not in text and "CRIT" not in text


async def test_filter_by_id_status_and_owner(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ranker")
        await pilot.pause()
        text = screen_text(app)
        assert "ranker-svc" in text and "ranker-model" in text
        assert "sessionizer" not in text and "events-topic" not in text
        assert "2 of 5 match" in text

        box = app.screen.query_one("#filter")
        box.value = "crit"  # as if typed (typing is covered above)
        await pilot.pause()
        rows = app.screen.component_list.rows
        assert [r.component for r in rows if r.component] == ["sessionizer"]

        box.value = "owner:science"
        await pilot.pause()
        rows = app.screen.component_list.rows
        assert {r.component for r in rows if r.component} == {"ranker-model", "ranker-svc", "explain-svc"}


async def test_escape_clears_the_filter(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"kind:redis")
        await pilot.pause()
        assert "sessionizer" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "sessionizer" in screen_text(app)
        assert isinstance(app.screen, CatalogScreen)  # esc cleared; it did not leave


async def test_enter_in_filter_opens_the_service_you_are_paged_about(source, make_app):
    """`/ranker` enter: ranker-svc (a service on the request path), not the model."""
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ranker", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_id == "ranker-svc"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        assert app.focused is app.screen.component_list
        text = screen_text(app)
        assert "ranker-svc" in text and "ranker-model" in text  # the filter is still there on return
        await pilot.press("up", "enter")  # the other match is one key away
        await settle(app, pilot)
        assert app.screen.component_id == "ranker-model"


def test_best_match_prefers_the_request_path_then_tier_then_list_order():
    from atlas.catalog.model import Component
    from atlas.tui.filtering import best_match

    model = Component(id="ranker", kind="model", tier=1)
    svc = Component(id="ranker-svc", kind="grpc_service", tier=1)
    run = Component(id="ranker-training", kind="kubeflow_pipeline", tier=2)
    assert best_match([run, model, svc]) is svc
    assert best_match([run, model]) is model
    assert best_match([Component(id="a", kind="gcs_bucket", tier=3), run]) is run
    assert best_match([]) is None


async def test_group_headers_fold_and_unfold(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("home", "space")  # the incident folds too
        await pilot.pause()
        assert "▶ Failing now" in screen_text(app)
        await pilot.press("down", "space")
        await pilot.pause()
        text = screen_text(app)
        assert "▶ Ingest" in text and "sessionizer" not in text
        assert "✖ 1 CRIT" in text.splitlines()[2]  # the folded group still says what is wrong
        await pilot.press("space")
        await pilot.pause()
        assert "sessionizer" in screen_text(app)


async def test_enter_on_a_filter_with_one_match_opens_it(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ranker-svc", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ComponentScreen) and app.screen.component_id == "ranker-svc"


async def test_the_first_screen_leads_with_the_incident(catalog, make_app):
    """Causes first, with how long they have been failing, above the full catalog; the
    cursor on the top cause, so `b` and enter act on it from launch."""
    snapshot = incident(catalog)
    snapshot.components["sessionizer"].since = NOW - 3 * 3600
    snapshot.components["features"].since = NOW - 40 * 60
    app = make_app(ScriptedServices(catalog, [snapshot]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        assert lines[1].strip().startswith("▼ Failing now · 1 cause, 2 symptoms")
        assert "sessionizer" in lines[2] and "cause · failing for 3 h" in lines[2]
        assert "features" in lines[3] and "symptom of sessionizer · failing for 40 min" in lines[3]
        assert "onset unknown" in lines[4]  # ranker-svc: no reader could tell when it began
        assert app.screen.component_list.current_component == "sessionizer"
        # the status line: owner, chat and on-call first, the description cut to fit
        status = lines[-2]
        assert "sessionizer · data-eng · #data-eng · on-call pagerduty:PD-DATA" in status


async def test_status_line_keeps_who_to_call_at_any_width(catalog, make_app):
    catalog.components["sessionizer"].description = "a very long description " * 20
    app = make_app(ScriptedServices(catalog))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        status = screen_text(app).splitlines()[-2]
        assert "on-call pagerduty:PD-DATA" in status and "…" in status


def test_status_line_keeps_owner_chat_and_on_call_on_80_columns():
    from atlas.catalog.model import Catalog, Component, Team
    from atlas.tui.screens.catalog import status_line

    catalog = Catalog(root=None, workspace=None)
    catalog.teams = {"feature-eng": Team("feature-eng", "Features", chat="#recs-feature-eng",
                                         oncall="pagerduty:PD-RECS-FEATURES")}
    catalog.components = {"feature-backfill": Component("feature-backfill", "dataflow_job", owner="feature-eng",
                                                        description="Daily batch job " * 10)}
    wide = status_line(catalog, "feature-backfill", 178).plain
    assert wide.startswith("feature-backfill · feature-eng · #recs-feature-eng · on-call pagerduty:PD-RECS-FEATURES · ")
    narrow = status_line(catalog, "feature-backfill", 78).plain
    assert narrow.startswith("feature-eng · #recs-feature-eng · pagerduty:PD-RECS-FEATURES") and len(narrow) <= 78
