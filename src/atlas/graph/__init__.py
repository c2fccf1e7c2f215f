"""The catalog's dependency graph: upstream, downstream, blast radius, order, layout.

networkx is the engine (`CatalogGraph.g`); health roll-up lives in `atlas.health.rollup`.
The names below load on first use, so `atlas.graph.flow` (the data-flow order the TUI's
first frame needs) comes without networkx's import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas.graph.catalog_graph import BlastRadius, CatalogGraph, UnknownComponent

__all__ = ["BlastRadius", "CatalogGraph", "UnknownComponent"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from atlas.graph import catalog_graph

        return getattr(catalog_graph, name)
    raise AttributeError(f"module 'atlas.graph' has no attribute {name!r}")
