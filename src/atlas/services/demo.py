"""Demo mode in one place: the embedded emulators, and a scratch copy of the sample.

A demo session (the TUI on the bundled sample) works on a scratch copy of the catalog and
the runbooks it names, made under the system temporary directory and removed on close, so
the wizard, the tour's mark-learned and runbook scaffolding never write into the checkout,
and a restarted demo never shows experiments whose pull requests lived in an emulator that
is gone. The emulators start only when a reader first asks for their endpoints, and only
for the parts it needs (`handover` reads GitHub only: ~2 s of cloud imports saved).
Endpoints are handed out as an environment mapping: nothing edits `os.environ`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Callable

# Which variables make a part "pointed somewhere already": then no emulator is started for it
# and the user's endpoint wins (the convention of Google's own emulators).
PART_VARIABLES: dict[str, tuple[str, ...]] = {
    "gcp": ("MONITORING_EMULATOR_HOST", "LOGGING_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST"),
    "github": ("GITHUB_API_URL",),
    "kubeflow": ("KF_PIPELINES_ENDPOINT", "ATLAS_VERTEX_ENDPOINT"),  # the kfp SDK's variable; Vertex's
}
PARTS = tuple(PART_VARIABLES)


class DemoError(RuntimeError):
    """The demo could not be set up (a bad scenario, a port taken): one readable line."""


SCRATCH_PREFIX = "atlas-demo-"
OWNER_FILE = ".atlas-demo-pid"  # the process whose session the copy is


def scratch_copy(catalog_dir: Path, workspace: Path, workspace_dirs: Iterable[str]) -> Path:
    """Copy the catalog directory and the named workspace-relative directories (the
    runbooks) into a new temporary workspace; returns the copy's catalog directory.
    Symlinks are copied as links, so confinement checks still see them for what they are.
    Copies left by sessions that were killed (a closed terminal) are removed first."""
    remove_orphans(Path(tempfile.gettempdir()))
    root = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    (root / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    target = root / catalog_dir.name
    shutil.copytree(catalog_dir, target, symlinks=True)
    for name in sorted(set(workspace_dirs)):
        source = workspace / name
        if name and name != catalog_dir.name and source.is_dir() and not source.is_symlink():
            shutil.copytree(source, root / name, symlinks=True)
    return target


def remove_orphans(tmp: Path) -> list[Path]:
    """Remove scratch copies of ours whose session process is gone; returns them. Only
    directories this user owns, marked by a demo session, are ever touched."""
    removed = []
    for root in tmp.glob(f"{SCRATCH_PREFIX}*"):
        try:
            if root.is_symlink() or not root.is_dir() or root.stat().st_uid != os.getuid():
                continue
            pid = int((root / OWNER_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue  # not a session's copy (or still being made): leave it
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(root, ignore_errors=True)
        removed.append(root)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class DemoSession:
    """The emulators of one demo session, started on demand, and its scratch workspace."""

    def __init__(self, scenario: Path, *, now: Callable[[], float] = time.time) -> None:
        self.scenario = scenario
        self.now = now
        self.scratch_root: Path | None = None
        self._running: list[Any] = []  # RunningEmulators, in start order
        self._parts: set[str] = set()
        self._env: dict[str, str] = {}
        self._lock = threading.Lock()
        self.notes: list[str] = []  # why a part did not start (no GitHub in the scenario...)

    @property
    def started(self) -> frozenset[str]:
        return frozenset(self._parts)

    def endpoints(self, parts: Iterable[str], base: Mapping[str, str]) -> dict[str, str]:
        """The variables pointing the clients of `parts` at the emulators, starting what is
        not running yet. Parts the user already pointed somewhere (see PART_VARIABLES) are
        left alone. Raises DemoError."""
        wanted = {p for p in parts if not any(base.get(v) for v in PART_VARIABLES.get(p, ()))}
        with self._lock:
            missing = wanted - self._parts
            if missing:
                self._start(missing)
            # a variable the user set wins even when a wider start (start_all) served it too
            return {k: v for k, v in self._env.items() if not base.get(k)}

    def _start(self, parts: set[str]) -> None:
        from atlas.emulators.runner import start_all, start_github
        from atlas.emulators.scenario import ScenarioError

        try:
            if parts <= {"github"}:
                running = start_github(self.scenario, now=self.now)
                started = {"github"}
            else:
                running = start_all(self.scenario, now=self.now)
                started = set(PARTS)
        except (ScenarioError, OSError) as exc:
            raise DemoError(f"cannot start the embedded emulators: {exc}") from None
        self._running.append(running)
        self.notes.extend(running.notes)
        # A part already running keeps its first endpoint: its state (a PR opened a minute
        # ago) lives there.
        for key, value in running.env().items():
            self._env.setdefault(key, value)
        self._parts |= started

    def close(self) -> None:
        with self._lock:
            running, self._running = self._running, []
            self._parts.clear()
            self._env.clear()
        for emulators in reversed(running):
            emulators.stop()
        if self.scratch_root is not None:
            shutil.rmtree(self.scratch_root, ignore_errors=True)
            self.scratch_root = None
