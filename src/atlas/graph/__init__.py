"""The catalog's dependency graph: upstream, downstream, blast radius, order, roll-up, layout."""

from atlas.graph.catalog_graph import BlastRadius, CatalogGraph, UnknownComponent
from atlas.graph.rollup import worst

__all__ = ["BlastRadius", "CatalogGraph", "UnknownComponent", "worst"]
