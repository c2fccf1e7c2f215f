"""Where the TUI gets its data: one small protocol, injected into the app.

The app never builds a catalog loader, a health service or an emulator itself; it asks a
`DataSource`. Tests inject a source with fixed data and a frozen clock (as Memray's TUI tests
do); `CatalogDataSource` wires the real services. Every method here may block: the app calls
them from thread workers only, never on the UI thread.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from atlas.catalog.model import Catalog


@dataclass(slots=True)
class Workspace:
    """A loaded catalog and its dependency graph (`atlas.graph.CatalogGraph`)."""

    catalog: Catalog
    graph: Any
    problems: list[str] = field(default_factory=list)  # one readable line per loading error


class DataSource(Protocol):
    """What the TUI needs from the rest of atlas."""

    demo: bool

    def load(self) -> Workspace: ...

    def start(self) -> None:
        """Prepare live data (demo: start the emulators). Called once, after `load`."""

    def refresh_health(self) -> Any:
        """Poll every signal; returns a `HealthSnapshot`. Raises on total failure."""

    def recent_errors(self, component_id: str) -> list[Any]:
        """Recent ERROR+ log lines of one component (`LogLine`: time, severity, message)."""

    def triage(self, snapshot: Any) -> list[Any]:
        """The ranked `TriageItem`s for a snapshot: probable causes first."""

    def stop(self) -> None:
        """Release what `start` took (demo emulators)."""


class CatalogDataSource:
    """The real thing: catalog from disk, health from Cloud Monitoring/Logging (or the
    embedded emulators in demo mode). Cloud libraries are imported in the methods, which run
    in workers, so the first frame never pays for them."""

    def __init__(self, catalog_dir: str | Path, demo: bool | None = None,
                 now: Callable[[], float] = time.time) -> None:
        """`now` is the clock of the emulators and the health service (frozen for screenshots)."""
        self.catalog_dir = Path(catalog_dir)
        self.now = now
        self._demo_flag = demo
        self.demo = bool(demo)
        self._workspace: Workspace | None = None
        self._to_cache: tuple[Catalog, list] | None = None
        self._preload: threading.Thread | None = None
        self._preloaded: Workspace | BaseException | None = None
        self._service: Any = None
        self._emulators: Any = None
        self._saved_env: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def preload(self) -> None:
        """Start loading now, in a thread, while Textual is still being imported; `load`
        then only waits for it. Called by `atlas` before it imports the app."""
        self._preload = threading.Thread(target=self._preload_run, name="atlas-preload", daemon=True)
        self._preload.start()

    def _preload_run(self) -> None:
        try:
            self._preloaded = self._load()
        except BaseException as exc:  # handed to whoever calls load()
            self._preloaded = exc

    def ready(self) -> bool:
        """`load` would return at once (the preload finished)."""
        return self._preload is not None and not self._preload.is_alive()

    def load(self) -> Workspace:
        if self._preload is not None:
            self._preload.join()
            self._preload, result = None, self._preloaded
            if isinstance(result, BaseException):
                raise result
            return result
        return self._load()

    def _load(self) -> Workspace:
        from atlas.graph import CatalogGraph
        from atlas.tui import catalog_cache

        cached = catalog_cache.load(self.catalog_dir)
        if cached is not None:
            catalog, found = cached
            self._to_cache = None
        else:
            from atlas.catalog.loader import load_catalog

            result = load_catalog(self.catalog_dir)
            catalog, found = result.catalog, list(result.problems)
            self._to_cache = (catalog, found)
        problems = [p.format(catalog.workspace) for p in found if p.is_error]
        self.demo = catalog.demo if self._demo_flag is None else bool(self._demo_flag)
        self._workspace = Workspace(catalog, CatalogGraph(catalog), problems)
        return self._workspace

    def persist(self) -> None:
        """After the first frame: keep what `load` parsed for the next start."""
        if self._to_cache is not None:
            from atlas.tui import catalog_cache

            catalog_cache.store(self.catalog_dir, *self._to_cache)
            self._to_cache = None

    def start(self) -> None:
        if not self.demo or self._workspace is None:
            return
        from atlas.emulators.runner import start_all

        catalog = self._workspace.catalog
        scenario = catalog.demo_scenario or "scenarios/nw-recs.toml"
        running = start_all(catalog.workspace / scenario, now=self.now)
        env = running.env()
        with self._lock:
            self._emulators = running
            self._saved_env = {key: os.environ.get(key) for key in env}
        # The clients read these when they are built, which happens after this point.
        os.environ.update(env)

    def _health(self) -> Any:
        with self._lock:
            if self._service is None:
                from atlas.health.service import HealthService

                assert self._workspace is not None
                self._service = HealthService(self._workspace.catalog, now=self.now)
            return self._service

    def refresh_health(self) -> Any:
        return self._health().refresh()

    def recent_errors(self, component_id: str) -> list[Any]:
        return list(self._health().recent_errors(component_id))

    def triage(self, snapshot: Any) -> list[Any]:
        from atlas.health.triage import triage

        assert self._workspace is not None
        return list(triage(self._workspace.catalog, self._workspace.graph, snapshot))

    def stop(self) -> None:
        with self._lock:
            running, self._emulators = self._emulators, None
            saved, self._saved_env = self._saved_env, {}
        if running is not None:
            running.stop()
        for key, value in saved.items():  # no pointer at a stopped emulator survives us
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
