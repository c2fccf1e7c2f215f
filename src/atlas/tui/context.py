"""What a screen may ask of the app: one declared, typed protocol.

Screens and widgets reach the rest of atlas only through this (as `self.atlas` on an
`AtlasScreen`): the loaded catalog, the live health view, the app's clock and modes, and the
`Services` object for anything that does I/O. They never read the environment and never
import an adapter (Google, GitHub, emulators) themselves. `AtlasApp` implements it; tests
mount screens on the real app with an injected `Services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from atlas.services import Loaded, Services
    from atlas.tui.health_view import HealthView
    from atlas.tui.wizard.backend import ExperimentsBackend


class AtlasContext(Protocol):
    services: "Services"
    workspace: "Loaded | None"  # None until the catalog is loaded
    health: "HealthView"
    read_only: bool  # hide every verb that writes
    demo: bool
    live: bool  # False: health is never polled (screenshots, some tests)
    clock: Callable[[], float]
    health_version: int  # bumped whenever a refresh starts, ends or fails
    loaded: bool
    split_experiments: tuple[str, ...]  # partially merged experiment sets (the header says so)

    @property
    def focus_id(self) -> str | None: ...

    def experiments_backend(self) -> "ExperimentsBackend": ...

    def open_component(self, component_id: str, section: str = "") -> None: ...

    def show_area(self, area: str) -> None: ...

    def open_link(self, url: str, label: str = "link") -> None: ...

    def back(self) -> None: ...
