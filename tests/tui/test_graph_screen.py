"""The graph screen: a layered DAG in text, arrow-key navigation, hops, blast radius."""

from __future__ import annotations

from .conftest import SIZE, settle
from .screen_text import screen_text


async def open_graph(app, pilot, centre: str) -> None:
    await settle(app, pilot)
    app.focus_id = centre
    await pilot.press("g")
    await pilot.pause()


async def test_neighbourhood_drawn_as_boxes_and_edges(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "features")
        text = screen_text(app)
        for node in ("events-topic", "sessionizer", "features", "ranker-model", "feature-cache", "ranker-svc"):
            assert node in text
        assert "recs-api" not in text  # three hops down: outside ±2
        assert "┏" in text  # the selected box is drawn heavier
        assert "▶" in text and "─" in text  # edges with arrowheads
        assert "✖ sessionizer" in text and "◷ features" in text  # status glyph in each box


async def test_arrows_follow_edges_and_enter_recentres(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "features")
        screen = app.screen
        await pilot.press("left")
        assert screen.selected == "sessionizer"
        await pilot.press("right", "right")
        assert screen.selected in ("ranker-model", "feature-cache")
        # up/down move within the layer; feature-cache feeds only ranker-svc
        await pilot.press("down" if screen.selected == "ranker-model" else "up")
        assert screen.selected == "feature-cache"
        await pilot.press("right")
        assert screen.selected == "ranker-svc"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.centre == "ranker-svc"
        assert "recs-api" in screen_text(app)
        assert app.focus_id == "ranker-svc"  # r, l, o now act on it


async def test_plus_and_minus_change_the_hops(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "features")
        await pilot.press("minus")
        await pilot.pause()
        text = screen_text(app)
        assert "±1 hop " in text and "events-topic" not in text and "ranker-svc" not in text
        await pilot.press("plus", "plus")
        await pilot.pause()
        text = screen_text(app)
        assert "±3 hops" in text and "8 components" in text
        assert app.screen.drawn_layers[-1] == ["recs-api"]  # off to the right: scroll to see it


async def test_shift_b_marks_the_blast_radius_and_b_lists_it(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "sessionizer")
        await pilot.press("B")
        await pilot.pause()
        text = screen_text(app)
        assert "blast radius: 6 downstream" in text
        assert "╔" in text  # affected components get double boxes
        await pilot.press("B")
        await pilot.pause()
        assert "╔" not in screen_text(app)
        await pilot.press("b")  # the list, every hop, of the selection
        await settle(app, pilot)
        assert app.screen.TITLE == "Blast radius" and app.screen.component_id == "sessionizer"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.TITLE == "Graph"


async def test_arrows_move_the_selection_even_when_the_drawing_is_wider(catalog, make_app):
    """Twelve dependents of one topic: wider and taller than the terminal; the arrows still
    walk the edges (nothing takes them to scroll) and the view follows the selection."""
    from atlas.catalog.model import Component

    from .product import ScriptedServices

    for i in range(12):
        cid = f"reader-{i:02d}"
        catalog.components[cid] = Component(cid, "dataflow_job", system="ingest", owner="data-eng",
                                            depends_on=("events-topic",), project="shop-data")
    app = make_app(ScriptedServices(catalog))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_graph(app, pilot, "events-topic")
        await pilot.press("right")
        first = app.screen.selected
        assert first != "events-topic" and first in catalog.components
        for _ in range(11):
            await pilot.press("down")
        await pilot.pause()
        assert app.screen.selected != first
        assert app.focus_id == app.screen.selected
        assert f" {app.screen.selected} " in screen_text(app)  # scrolled into view
        await pilot.press("left")
        assert app.screen.selected == "events-topic"


async def test_d_opens_the_selected_component(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "features")
        await pilot.press("right", "d")
        await settle(app, pilot)
        assert app.screen.component_id in ("ranker-model", "feature-cache")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.TITLE == "Graph"
