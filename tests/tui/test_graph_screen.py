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


async def test_b_highlights_the_blast_radius(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot, "sessionizer")
        await pilot.press("b")
        await pilot.pause()
        text = screen_text(app)
        assert "blast radius: 6 downstream" in text
        assert "╔" in text  # affected components get double boxes
        await pilot.press("b")
        await pilot.pause()
        assert "╔" not in screen_text(app)


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
