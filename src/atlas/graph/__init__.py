"""The catalog's dependency graph: upstream, downstream, blast radius, order, layout.

networkx is the engine (`CatalogGraph.g`); health roll-up lives in `atlas.health.rollup`."""

from atlas.graph.catalog_graph import BlastRadius, CatalogGraph, UnknownComponent

__all__ = ["BlastRadius", "CatalogGraph", "UnknownComponent"]
