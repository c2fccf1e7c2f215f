"""The atlas Textual app: navigation between areas, the data workers and the live loop."""

from __future__ import annotations

import contextlib
import importlib
import sys
import time
from pathlib import Path
from typing import Any, Callable

from textual import work
from textual.app import App
from textual.reactive import reactive
from textual.timer import Timer

from atlas.services import Loaded, Services
from atlas.tui import terminal
from atlas.tui.bindings import APP_BINDINGS, keymap_path, load_keymap
from atlas.tui.console import console_url
from atlas.tui.health_poll import HealthPoll
from atlas.tui.health_view import HealthView, one_line
from atlas.tui.keyguard import refused
from atlas.tui.screens.catalog import CatalogScreen


def _lazy(module: str, name: str) -> Callable[[], Any]:
    """A screen built on first use: its widgets (Markdown, Tree...) are imported then, not
    before the first frame."""

    def build() -> Any:
        return getattr(importlib.import_module(f"atlas.tui.screens.{module}"), name)()

    return build


def _atlas_commands() -> type:
    from atlas.tui.palette import AtlasCommands

    return AtlasCommands


class AtlasApp(HealthPoll, App):
    CSS_PATH = Path(__file__).parent / "atlas.tcss"  # absolute: subclasses elsewhere find it too
    TITLE = "atlas"
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {_atlas_commands}
    # Areas, each a Textual mode with its own screen stack (a component opened from triage
    # returns to triage on esc).
    MODES = {
        "catalog": CatalogScreen,
        "triage": _lazy("triage", "TriageScreen"),
        "graph": _lazy("graph", "GraphScreen"),
        "experiments": _lazy("experiments", "ExperimentsScreen"),
        "handover": _lazy("handover", "HandoverScreen"),
        "discovery": _lazy("discovery", "DiscoveryScreen"),
    }
    DEFAULT_MODE = "catalog"
    COMMAND_PALETTE_DISPLAY = ":"

    health_version: reactive[int] = reactive(0)
    loaded: reactive[bool] = reactive(False)
    # experiment sets merged in some repos but not all: every screen's header says so
    split_experiments: reactive[tuple[str, ...]] = reactive(())

    def __init__(
        self,
        services: Services,
        *,
        read_only: bool = False,
        refresh_seconds: float | None = 30.0,
        clock: Callable[[], float] = time.time,
        keymap_file: Path | None = None,
        live: bool = True,
        attached: Callable[[], bool] | None = None,
    ) -> None:
        """`services` is the one way to the catalog and every reader (see atlas.services);
        the app reads its settings from `services.env`, never from the process environment.
        `refresh_seconds=None` polls once and never again (tests, screenshots);
        `live=False` never polls (health stays NO_DATA). `attached`: is the terminal still
        there (default: asked of stdin when it is a terminal, see atlas.tui.terminal); the
        app leaves once it says no."""
        super().__init__()
        self.services = services
        self.read_only = read_only
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self.live = live
        self.demo = services.demo
        self.workspace: Loaded | None = None
        self.load_error = ""
        self.health = HealthView()
        self._focus_id: str | None = None
        self._history: list[str] = []
        self._timer: Timer | None = None
        self._backend: Any = None
        self.experiment_watch: Any = None  # the last WatchReport (or the exception it raised), from the poll
        self._split_checked = float("-inf")
        env = services.env
        self._exit_after_first_frame = env.get("ATLAS_EXIT_AFTER_FIRST_FRAME") == "1"
        self._first_frame_file = env.get("ATLAS_FIRST_FRAME_FILE") or ""
        # only where a browser opens beside the terminal: a text browser (lynx, w3m) would
        # take over the very terminal atlas runs in
        self._can_open_browser = sys.platform == "darwin" or bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
        self.home = Path(env["HOME"]) if env.get("HOME") else Path.home()
        self.keymap_file = keymap_file or keymap_path(env)
        self._attached = attached if attached is not None else terminal.probe()

    @property
    def focus_id(self) -> str | None:
        """The component the verbs (r, l, o, g) act on: the one last selected anywhere."""
        return self._focus_id

    @focus_id.setter
    def focus_id(self, component_id: str | None) -> None:
        had = self._focus_id is not None
        self._focus_id = component_id
        if had != (component_id is not None):
            self.refresh_bindings()  # r, l and o become usable (or not)

    # ---- start-up ---------------------------------------------------------------------

    def on_mount(self) -> None:
        import asyncio

        from atlas.tui.executor import DaemonExecutor

        # workers on daemon threads: `q` quits at once even while a call hangs
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        if self._attached is not None:
            self.set_interval(terminal.CHECK_SECONDS, self._check_terminal)
        keymap, problem = load_keymap(self.keymap_file)
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, severity="warning", timeout=10)
        if self.services.ready():
            # preloaded while Textual was imported: rows in the very first frame
            try:
                workspace = self.services.load()
            except Exception as exc:
                self._load_failed(exc)
                return
            self._loaded(workspace)
            self._go_live()
        else:
            self._load()

    def _check_terminal(self) -> None:
        if self._attached is not None and not self._attached():
            self.exit(return_code=1)  # nobody is left to see it: stop polling, remove the copy

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        try:
            workspace = self.services.load()
        except Exception as exc:  # the catalog could not be read at all
            self.call_from_thread(self._load_failed, exc)
            return
        self.call_from_thread(self._loaded, workspace)
        self._live()

    @work(thread=True, exclusive=True, group="live")
    def _go_live(self) -> None:
        self._live()

    def _live(self) -> None:
        """In a worker: keep the start-up cache, start the demo emulators and the first poll,
        then build the graph (networkx) before a screen asks for it."""
        self.services.persist()  # the start-up cache, written while the user reads the first frame
        if self._exit_after_first_frame:
            return
        if self.live:
            try:
                self.services.start()
            except Exception as exc:
                self.call_from_thread(self._refresh_failed, f"demo emulators did not start: {one_line(exc)}")
            else:
                self.call_from_thread(self._start_refresh)
                self.call_from_thread(self.look_for_split_sets)
        with contextlib.suppress(Exception):  # a screen that needs the graph says what failed
            self.services.graph

    def look_for_split_sets(self) -> None:
        """Look for partially merged experiment sets (manifests, then GitHub), in a worker."""
        self._split_checked = self.clock()
        self._read_split_sets()

    @work(thread=True, exclusive=True, group="experiment-watch")
    def _read_split_sets(self) -> None:
        from atlas.tui.split_sets import split_sets

        split = split_sets(self.experiments_backend())
        if split is not None:
            self.call_from_thread(setattr, self, "split_experiments", tuple(split))

    def _loaded(self, workspace: Loaded) -> None:
        self.workspace = workspace
        self.demo = self.services.demo
        self.health.refreshing = self.live and not self._exit_after_first_frame
        self.loaded = True
        problems = workspace.error_lines()
        if problems:
            more = f" (+{len(problems) - 1} more; run atlas lint)" if len(problems) > 1 else ""
            self.notify(problems[0] + more, severity="error", timeout=15)
        self.call_after_refresh(_collect_garbage_again)
        if self._exit_after_first_frame:
            self.call_after_refresh(self._first_frame_done)

    def _first_frame_done(self) -> None:
        """ATLAS_EXIT_AFTER_FIRST_FRAME=1 (benchmarks): the catalog rows are on screen; note
        the time in $ATLAS_FIRST_FRAME_FILE if set, and leave."""
        if self._first_frame_file:
            Path(self._first_frame_file).write_text(f"{time.time():.6f}\n", encoding="utf-8")
        self.exit()

    def _load_failed(self, exc: BaseException) -> None:
        _collect_garbage_again()
        self.load_error = one_line(exc)
        self.loaded = True
        if self._exit_after_first_frame:
            self.exit(return_code=1)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.services.interrupt()  # a poll stuck in a slow call ends now, not in 30 s

    # ---- navigation -------------------------------------------------------------------

    def show_area(self, area: str) -> None:
        if area == self.current_mode:
            # already there: drop any component screens opened on top of it
            while len(self.screen_stack) > 1:
                self.pop_screen()
            return
        self._history.append(self.current_mode)
        self.switch_mode(area)

    def back(self) -> None:
        """esc: the previous screen of this area, else the previous area."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self._history:
            self.switch_mode(self._history.pop())

    def experiments_backend(self) -> Any:
        """The experiments core over this app's services (one per app)."""
        if self._backend is None:
            from atlas.tui.wizard.backend import ExperimentsBackend

            self._backend = ExperimentsBackend(self.services)
        return self._backend

    def open_component(self, component_id: str, section: str = "") -> None:
        if self.workspace is None or component_id not in self.workspace.catalog.components:
            self.notify(f"no component {component_id!r} in the catalog", severity="warning")
            return
        from atlas.tui.screens.component import ComponentScreen

        self.focus_id = component_id
        screen = self.screen
        if isinstance(screen, ComponentScreen) and screen.component_id == component_id:
            screen.show_section(section)
            return
        self.push_screen(ComponentScreen(component_id, section=section))

    def action_show_catalog(self) -> None:
        self.show_area("catalog")

    def action_show_triage(self) -> None:
        self.show_area("triage")

    def action_show_graph(self) -> None:
        self.show_area("graph")

    def action_show_experiments(self) -> None:
        self.show_area("experiments")

    def action_show_handover(self) -> None:
        self.show_area("handover")

    def action_show_discovery(self) -> None:
        self.show_area("discovery")

    def action_help(self) -> None:
        from atlas.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_palette_key(self) -> None:
        self.action_command_palette()

    def action_blast_radius(self) -> None:
        """`b`: every component downstream of the highlighted one, as a list by system."""
        if self.workspace is None or self.focus_id not in self.workspace.catalog.components:
            return
        from atlas.tui.screens.lineage import LineageScreen

        self.push_screen(LineageScreen(self.focus_id))

    def action_runbook(self) -> None:
        """`r`: the runbook full screen, at its first steps."""
        if self.workspace is None or self.focus_id not in self.workspace.catalog.components:
            return
        from atlas.tui.screens.runbook import RunbookScreen

        screen = self.screen
        if isinstance(screen, RunbookScreen) and screen.component_id == self.focus_id:
            return
        self.push_screen(RunbookScreen(self.focus_id))

    def action_logs(self) -> None:
        if self.focus_id:
            self.open_component(self.focus_id, "errors")

    def action_open_console(self) -> None:
        if self.workspace is None or not self.focus_id:
            return
        url = console_url(self.workspace.catalog, self.focus_id)
        if not url:
            self.notify(f"{self.focus_id}: no project, so no console link", severity="warning")
            return
        self.copy_to_clipboard(url)
        if self._can_open_browser:
            self.open_url(url)
        self.notify(url, title="console link (copied)", timeout=15)

    def open_link(self, url: str, label: str = "link") -> None:
        """Copy it (OSC 52) and, where a browser opens beside the terminal, open it."""
        self.copy_to_clipboard(url)
        if self._can_open_browser:
            self.open_url(url)
        self.notify(url, title=f"{label} (copied)", timeout=15)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No app-level verb writes; the screens that do (experiments, wizard, tour) hide
        # their own writing verbs in --read-only through their check_action.
        # Forms own their keys: one rule for every screen (atlas.tui.keyguard).
        if refused(action, self.focused, self.screen_stack[-1] if self.screen_stack else None):
            return False
        if action in ("runbook", "logs", "open_console", "blast_radius") and not self.focus_id:
            return None
        return True


def _collect_garbage_again() -> None:
    """`atlas` pauses the collector for start-up (see commands/tui.py); after the first
    frame the objects are long-lived: freeze them out of future collections, resume."""
    import gc

    if not gc.isenabled():  # only when `atlas` paused it; embedded apps and tests are left be
        gc.freeze()
        gc.enable()

