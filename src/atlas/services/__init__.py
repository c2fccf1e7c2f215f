"""The one way into the core: `Services`, built once per process by the CLI or the TUI.

    services = Services(catalog_dir, env=os.environ, demo=None)
    services.catalog, services.graph          # loaded once
    services.health(), services.forge()       # clients pointed at the emulators in demo mode
    services.experiments(), services.issues()
    services.close()

Layering: `atlas.services` sits on the core (catalog, graph, health, experiments, handover,
emulators) and under the front ends (`atlas.commands`, `atlas.tui`). It never imports Textual.
"""

from atlas.services.core import Services
from atlas.services.loaded import Loaded
from atlas.services.demo import DemoError

__all__ = ["DemoError", "Loaded", "Services"]
