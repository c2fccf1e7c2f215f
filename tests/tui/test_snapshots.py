"""Snapshot tests: each screen at 120x36, injected data, frozen clock, no timers.

Update after an intended change with `pytest tests/tui --snapshot-update` and look at the
report before committing."""

from __future__ import annotations

import pytest

from .conftest import SIZE, steps


@pytest.fixture
def app(source, make_app):
    return make_app(source)


def test_catalog(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps())


def test_catalog_filtered(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("slash", *"ranker"))


def test_component(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(component="ranker-svc"))


def test_component_narrow(app, snap_compare):
    assert snap_compare(app, terminal_size=(90, 36), run_before=steps(component="ranker-svc"))


def test_graph(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("g", focus="features"))


def test_graph_blast_radius(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("g", "B", focus="sessionizer"))


def test_triage(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("t"))


def test_help(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("question_mark"))



def test_refresh_failed(catalog, make_app, snap_compare):
    from .product import ScriptedServices, incident

    source = ScriptedServices(catalog, [incident(catalog), ConnectionError("monitoring: 503 Service Unavailable")])
    assert snap_compare(make_app(source), terminal_size=SIZE, run_before=steps("ctrl+r"))
