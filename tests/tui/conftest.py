"""Fixtures for the TUI tests: a small product built in code, a scripted data source and
a frozen clock. No network, no timers: health polls once unless a test asks for more."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from atlas.tui.app import AtlasApp

from .product import NOW, ScriptedServices, build_catalog

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """The start-up cache goes to the test's own directory, never ~/.cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def catalog(tmp_path):
    return build_catalog(tmp_path)


@pytest.fixture
def source(catalog):
    return ScriptedServices(catalog)


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """The real app on injected services. Services read the environment when they are
    built (tests that build real `Services` from disk): no keymap file (the default path under
    the test's own $HOME from tests/conftest.py, shown as ~/.config/atlas/keymap.toml on every
    machine) and a closed GitHub port (never the internet)."""
    monkeypatch.delenv("ATLAS_KEYMAP", raising=False)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9/api/v3")

    def make(source, **kwargs):
        kwargs.setdefault("refresh_seconds", None)
        kwargs.setdefault("clock", lambda: NOW)
        return pinned(AtlasApp(source, **kwargs))

    return make


def pinned(app):
    """The theme fixed: a developer's TEXTUAL_THEME never changes a snapshot."""
    app.theme = "textual-dark"
    return app


async def until(pilot, condition, seconds: float = 5.0) -> bool:
    """Poll a condition while the app runs (busy CI machines are slow to switch screens)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def workers_done(app) -> None:
    """Wait for every worker the app has started. A worker replaced by a newer one (an
    exclusive worker, or a screen's worker when the screen closed) is cancelled: it will
    never complete and is not waited for; a worker that failed still fails the test.
    (`app.workers.wait_for_complete` raises WorkerCancelled for the first, which made tests
    flaky on a loaded machine, where such replacements happen mid-wait.)"""
    from textual.worker import WorkerCancelled, WorkerState

    for worker in list(app.workers):
        if worker.state is WorkerState.PENDING:
            continue  # not started yet: the next round of `settle` waits for it
        try:
            await worker.wait()
        except WorkerCancelled:
            pass


async def settle(app, pilot) -> None:
    """Wait until the workers (load, health, logs) are done and the screen is redrawn."""
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests on a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


def steps(*keys, component: str | None = None, focus: str | None = None):
    """A snapshot's `run_before`: settle, focus or open a component, press keys, settle."""
    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        if focus:
            app.focus_id = focus
        if component:
            app.open_component(component)
            await settle(app, pilot)
        if keys:
            await pilot.press(*keys)
            await settle(app, pilot)

    return run_before
