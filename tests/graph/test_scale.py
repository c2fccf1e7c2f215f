"""At 10k components the graph builds quickly and a blast-radius query stays interactive."""

from __future__ import annotations

import random
import statistics
import time

from atlas.catalog.model import Component, System
from atlas.graph import CatalogGraph

from .catalogs import catalog_of


def big_catalog(n: int = 10_000, systems: int = 20, seed: int = 3):
    rng = random.Random(seed)
    ids = [f"comp-{i:05d}" for i in range(n)]
    system_ids = [f"system-{s:02d}" for s in range(systems)]
    components = []
    for i, cid in enumerate(ids):
        # Mostly local dependencies, a few long ones, and component 0..9 as hubs.
        deps = {ids[rng.randrange(max(0, i - 300), i)] for _ in range(rng.randint(0, 3))} if i else set()
        if i > 10 and rng.random() < 0.05:
            deps.add(ids[rng.randrange(10)])
        components.append(
            Component(id=cid, kind="dataflow_job", system=system_ids[i * systems // n], depends_on=tuple(sorted(deps)))
        )
    return catalog_of(components, systems=[System(id=s, order=k) for k, s in enumerate(system_ids)])


def test_ten_thousand_components_build_and_answer_blast_radius_fast():
    catalog = big_catalog()
    started = time.perf_counter()
    graph = CatalogGraph(catalog)
    build = time.perf_counter() - started
    assert len(graph) == 10_000
    assert build < 1.0, f"building the graph took {build:.2f} s"

    sample = random.Random(5).sample(sorted(catalog.components), 200)
    times = []
    for cid in sample:
        t = time.perf_counter()
        graph.blast_radius(cid)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.005, f"median blast radius {statistics.median(times) * 1e3:.2f} ms"

    t = time.perf_counter()
    hub = graph.blast_radius("comp-00000")
    worst_case = time.perf_counter() - t
    assert hub.size > 5_000  # a hub at the top reaches most of the catalog...
    assert worst_case < 0.025, f"hub blast radius {worst_case * 1e3:.1f} ms"  # ...still interactive
    assert len(graph.topological_order()) == 10_000
