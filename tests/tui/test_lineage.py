"""Blast radius as a list: every component downstream of the top cause, however many hops
away, grouped by system, with status, hops and "serves users" on the serving edge."""

from __future__ import annotations

from atlas.catalog.graphviews import lineage, neighbourhood, to_text
from atlas.catalog.model import Component
from atlas.graph import CatalogGraph
from atlas.tui.screens.component import ComponentScreen
from atlas.tui.screens.lineage import LineageScreen

from .conftest import SIZE, settle
from .product import ScriptedServices
from .screen_text import screen_text


def deep(catalog):
    """Ten enrichment steps between `features` and a serving component: 12 hops from the
    sessionizer, beyond any drawing's depth."""
    previous = "features"
    for i in range(10):
        cid = f"enrich-{i}"
        catalog.components[cid] = Component(cid, "dataflow_job", system="ingest", owner="data-eng",
                                            depends_on=(previous,), project="shop-data")
        previous = cid
    catalog.components["deep-svc"] = Component("deep-svc", "grpc_service", system="serving", owner="serving",
                                               depends_on=(previous,), project="shop-serving")
    return catalog


async def test_b_from_launch_lists_every_serving_component_of_the_top_cause(catalog, make_app):
    app = make_app(ScriptedServices(deep(catalog)))
    async with app.run_test(size=(180, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("b")  # one key: the cursor starts on the top cause
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LineageScreen) and screen.component_id == "sessionizer"
        text = screen_text(app)
        assert "blast radius of sessionizer: 17 components, every hop · 6 serve users" in text
        row = next(line for line in text.splitlines() if " deep-svc " in line and "hop" in line)
        assert "hop 12" in row and "serves users" in row
        for serving in ("ranker-model", "feature-cache", "ranker-svc", "recs-api", "explain-svc"):
            assert any(f" {serving} " in line and "hop" in line and "serves users" in line for line in text.splitlines())
        assert text.index("Ingest") < text.index("Serving")  # systems in data-flow order
        stale = next(line for line in text.splitlines() if " features " in line)
        assert "◷ STALE" in stale and "no new rows for 47 min" in stale
        await pilot.press("end", "enter")  # enter opens the component
        await settle(app, pilot)
        assert isinstance(app.screen, ComponentScreen)
        await pilot.press("escape", "u")  # and back; u: the other direction
        await settle(app, pilot)
        assert "upstream (depends on) of sessionizer: 1 component" in screen_text(app)


def test_the_cli_text_lists_every_hop_by_system(catalog):
    graph = CatalogGraph(deep(catalog))
    text = to_text(catalog, graph, neighbourhood(graph, "sessionizer", "downstream"))
    assert "downstream by system (6 serve users):" in text
    assert "more" not in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("deep-svc") and "serves users" in ln)
    assert "hop 12" in line
    groups = lineage(catalog, graph, "sessionizer")
    assert [g.system for g in groups] == ["ingest", "serving"]
    assert sum(len(g.reached) for g in groups) == 17


async def test_every_header_says_partially_merged(tmp_path, make_app):
    """A split experiment set is on every screen, read through the experiments backend."""
    import shutil
    from pathlib import Path

    from atlas.catalog.loader import load_catalog

    from .product import all_ok

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "catalog", tmp_path / "catalog")
    manifest = tmp_path / "catalog" / "experiments" / "exp-ranker-dwell-v2.toml"
    manifest.write_text(manifest.read_text().replace('state = "draft"', 'state = "partially-merged"'))
    catalog = load_catalog(tmp_path / "catalog").catalog
    app = make_app(ScriptedServices(catalog, [all_ok(catalog)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "PARTIALLY MERGED: exp-ranker-dwell-v2" in screen_text(app).splitlines()[0]
        for key in ("t", "g", "h"):
            await pilot.press(key)
            await settle(app, pilot)
            assert "PARTIALLY MERGED" in screen_text(app).splitlines()[0], key
