"""`Loaded`: a catalog as loaded once per process, and what is derived from it on demand."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # networkx (under CatalogGraph) is imported when the graph is first used
    from atlas.catalog.model import Catalog
    from atlas.catalog.problems import Problem
    from atlas.graph import CatalogGraph


class Loaded:
    """A loaded catalog, its dependency graph and every problem the loader found.

    The graph (networkx) is built on first use, once, from any thread: the TUI's first
    frame needs only `order`, which is cheap (atlas.graph.flow) or comes from the start-up
    cache, and builds the graph in a worker after it."""

    __slots__ = ("catalog", "problems", "files", "_order", "_graph", "_lock")

    def __init__(self, catalog: "Catalog", problems: Iterable["Problem"] = (), files: Iterable[Path] = (),
                 order: list[str] | None = None) -> None:
        self.catalog = catalog
        self.problems: list["Problem"] = list(problems)
        self.files: list[Path] = list(files)  # the TOML files read (empty from the cache)
        self._order = order
        self._graph: "CatalogGraph | None" = None
        self._lock = threading.Lock()

    @property
    def graph(self) -> "CatalogGraph":
        with self._lock:
            if self._graph is None:
                from atlas.graph import CatalogGraph

                self._graph = CatalogGraph(self.catalog, order=self._order)
            return self._graph

    @property
    def order(self) -> list[str]:
        """Every component after its dependencies, ties by (system order, id): the graph's
        `topological_order`, without building the graph unless there is a cycle."""
        if self._order is None:
            from atlas.graph.flow import flow_order

            order = flow_order(self.catalog)
            # a cycle: the graph knows how to walk through it
            self._order = order if order is not None else self.graph.topological_order()
        return list(self._order)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list["Problem"]:
        return [p for p in self.problems if p.is_error]

    def error_lines(self) -> list[str]:
        """One readable line per loading error, paths relative to the workspace."""
        return [p.format(self.catalog.workspace) for p in self.problems if p.is_error]
