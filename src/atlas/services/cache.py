"""A start-up cache of the loaded catalog, so the TUI's first frame does not wait for TOML.

Parsing 10,000 components takes tomllib alone over a second; unpickling the result takes
a fifth of that. The cache is keyed by every catalog file's path, size and mtime (plus the
atlas version and this module's format number), so any edit, added or removed file misses
it and the catalog is loaded from TOML as usual. It lives in the user's own cache directory
(`$ATLAS_CACHE_DIR`, else `$XDG_CACHE_HOME/atlas`, else `~/.cache/atlas`), created 0700,
because a pickle must only ever be read from a place only its owner can write.
`ATLAS_CACHE_DIR=off` disables it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from atlas.fsutil import atomic_write_bytes

FORMAT = 2  # 2: SignalTemplate fields reordered (modes before type): old pickles would swap them


def cache_root(env: Mapping[str, str]) -> Path | None:
    configured = env.get("ATLAS_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path(env["HOME"]) / ".cache" if env.get("HOME") else Path.home() / ".cache")
    return Path(base) / "atlas"


def fingerprint(catalog_dir: Path) -> str:
    """Changes whenever any file that the loader may read changes."""
    from atlas import __version__  # importlib.metadata would cost 50 ms of start-up

    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version}|{catalog_dir.resolve()}".encode())
    model = Path(__file__).resolve().parent.parent / "catalog" / "model.py"
    for path in [model, *sorted(catalog_dir.rglob("*.toml"))]:
        stat = path.stat()
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _entry(catalog_dir: Path, env: Mapping[str, str]) -> Path | None:
    root = cache_root(env)
    if root is None:
        return None
    return root / f"catalog-{fingerprint(catalog_dir)}.pickle"


def load(catalog_dir: Path, env: Mapping[str, str]) -> tuple[Any, list[Any]] | None:
    """(catalog, problems) from the cache, or None (missing, stale, unreadable)."""
    try:
        entry = _entry(catalog_dir, env)
        if entry is None or not entry.is_file():
            return None
        if entry.parent.stat().st_mode & 0o022 or entry.stat().st_uid != os.getuid():
            return None  # writable by others, or not ours: never unpickle it
        with entry.open("rb") as fh:
            catalog, problems = pickle.load(fh)
        return catalog, list(problems)
    except Exception:  # any doubt: load the TOML instead
        return None


def store(catalog_dir: Path, catalog: Any, problems: list[Any], env: Mapping[str, str]) -> None:
    """Best effort: a cache that cannot be written only costs the next start some time."""
    try:
        entry = _entry(catalog_dir, env)
        if entry is None:
            return
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in entry.parent.glob("catalog-*.pickle"):  # one entry per catalog is plenty
            if old != entry and _same_catalog(old, catalog_dir):
                old.unlink(missing_ok=True)
        atomic_write_bytes(entry, pickle.dumps((catalog, problems), protocol=pickle.HIGHEST_PROTOCOL))
        _remember(entry, catalog_dir)
    except Exception:
        return


def _tag(catalog_dir: Path) -> str:
    return hashlib.sha256(str(catalog_dir.resolve()).encode()).hexdigest()[:16]


def _remember(entry: Path, catalog_dir: Path) -> None:
    entry.with_suffix(".for").write_text(_tag(catalog_dir), encoding="utf-8")


def _same_catalog(entry: Path, catalog_dir: Path) -> bool:
    marker = entry.with_suffix(".for")
    try:
        same = marker.read_text(encoding="utf-8") == _tag(catalog_dir)
    except OSError:
        return False
    if same:
        marker.unlink(missing_ok=True)
    return same
