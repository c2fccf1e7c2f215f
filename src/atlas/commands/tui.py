"""`atlas` with no subcommand: the terminal UI."""

from __future__ import annotations

from pathlib import Path

import click


def launch(catalog_dir: str | Path, read_only: bool = False, refresh_seconds: float = 30.0,
           demo: bool | None = None) -> int:
    """Run the TUI on a catalog; returns the process exit code.

    The catalog is loaded while Textual is imported; demo mode (the catalog says
    `demo = true`, or `demo=True`) works on a scratch copy of the sample and starts the
    embedded emulators after the first frame; both are gone on exit.
    """
    import gc

    catalog_dir = Path(catalog_dir)
    if not catalog_dir.is_dir():
        click.echo(f"atlas: catalog directory {catalog_dir} not found (use --catalog DIR or set ATLAS_CATALOG)", err=True)
        return 1
    # Start-up allocates a great many long-lived objects (modules, styles, the catalog) and
    # no garbage: collections would find nothing. The app turns the collector back on after
    # its first frame.
    gc.disable()
    from atlas.services import Services

    services = Services(catalog_dir, demo=demo, scratch=True, use_cache=True)
    services.preload()  # reads the catalog while Textual is imported below

    from atlas.tui.app import AtlasApp

    app = AtlasApp(services, read_only=read_only, refresh_seconds=refresh_seconds)
    try:
        app.run()
    finally:
        _close_soon(services)
    if app.load_error:
        click.echo(f"atlas: could not load {catalog_dir}: {app.load_error}", err=True)
        return 1
    return app.return_code or 0


def _close_soon(services, seconds: float = 0.8) -> None:
    """Stop the emulators and remove the demo's scratch copy, but never let a stuck close
    (a channel mid-call) keep the terminal: what is left ends with the process."""
    import threading

    closer = threading.Thread(target=services.close, name="atlas-close", daemon=True)
    closer.start()
    closer.join(seconds)
