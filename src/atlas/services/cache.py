"""A start-up cache of the loaded catalog, so the TUI's first frame does not wait for TOML.

Parsing 10,000 components takes tomllib alone over a second; unpickling the result takes
a fifth of that. Beside the catalog it keeps the components' data-flow order, the one
thing the first frame needs from the graph (networkx is imported after it). The cache is
keyed by every catalog file's path, size and mtime (plus the atlas version, this module's
format number and the code whose output it keeps), so any edit, added or removed file
misses it and the catalog is loaded from TOML as usual. The runbook files live outside
the catalog: an entry keeps the mtimes of the folders they are in (a file written or
removed changes its folder's), and when one moved, the runbook findings are made again.
It lives in the user's own cache directory (`$ATLAS_CACHE_DIR`, else
`$XDG_CACHE_HOME/atlas`, else `~/.cache/atlas`), created 0700.

Unpickling runs code, so a cache entry is only unpickled when all of these hold: the
directory is ours and nobody else can write it, the entry is ours and nobody else can
write it, and its HMAC-SHA256 (with a random key in a 0600 file only we can read) matches.
Anything else (a file planted or rewritten by another user or group member) is ignored
and the catalog is loaded from TOML. `ATLAS_CACHE_DIR=off` disables the cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import sys
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from atlas.fsutil import atomic_write_bytes

# 2: SignalTemplate fields reordered (modes before type): old pickles would swap them;
# 3: entries are HMAC-signed; 4: the data-flow order is kept beside the catalog;
# 5: and the runbook folders' mtimes when the runbooks were checked
FORMAT = 5
_KEY = "key"
_MAC = 32  # bytes of HMAC-SHA256 in front of the pickle


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

    catalog_dir = catalog_dir.resolve()  # `catalog` and /abs/catalog are one entry
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version}|{catalog_dir}".encode())
    package = Path(__file__).resolve().parent.parent
    # the code whose output is kept: the model's classes, the data-flow order's rules
    code = [package / "catalog" / "model.py", package / "graph" / "flow.py", package / "graph" / "ordering.py"]
    for path in [*code, *sorted(catalog_dir.rglob("*.toml"))]:
        st = path.stat()
        digest.update(f"|{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _entry(catalog_dir: Path, env: Mapping[str, str]) -> Path | None:
    root = cache_root(env)
    if root is None:
        return None
    return root / f"catalog-{fingerprint(catalog_dir)}.pickle"


def _private(st: os.stat_result, kind) -> bool:
    """Ours, of the right kind, and writable by nobody else."""
    return kind(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def _read_private(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a regular file only we can write (no symlink followed), else None."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)  # of what was opened: no window between the check and the read
        if not _private(st, stat.S_ISREG) or st.st_size > max_bytes:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(max_bytes + 1)
    finally:
        os.close(fd)


def _key(root: Path, create: bool) -> bytes | None:
    path = root / _KEY
    try:
        key = _read_private(path, 64)
    except FileNotFoundError:
        key = None
        if create:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            return _key(root, create=False)
    if key is None or len(key) != 32:
        return None
    try:
        if os.stat(path).st_mode & 0o077:  # a key others can read signs nothing
            return None
    except OSError:
        return None
    return key


def _private_dir(root: Path) -> bool:
    try:
        return _private(os.lstat(root), stat.S_ISDIR)
    except OSError:
        return False


MAX_ENTRY_BYTES = 512 * 1024 * 1024


def load(catalog_dir: Path, env: Mapping[str, str]) -> tuple[Any, list[Any], list[str] | None, bool] | None:
    """(catalog, problems, data-flow order or None if not kept, whether the runbook
    findings still hold) from the cache, or None (missing, stale, unreadable, or not
    provably written by this user: never unpickled then)."""
    try:
        entry = _entry(catalog_dir, env)
        if entry is None or not _private_dir(entry.parent):
            return None
        key = _key(entry.parent, create=False)
        if key is None:
            return None
        data = _read_private(entry, MAX_ENTRY_BYTES)
        if data is None or len(data) <= _MAC:
            return None
        mac, body = data[:_MAC], data[_MAC:]
        if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
            return None  # not written by us with our key: never unpickle it
        catalog, problems, order, folders = pickle.loads(body)
        current = runbook_folders(catalog)
        return catalog, list(problems), None if order is None else list(order), current == folders
    except Exception:  # any doubt: load the TOML instead
        return None


def runbook_folders(catalog: Any) -> dict[str, int]:
    """The folders the catalog's runbooks are in -> their mtime (-1: missing)."""
    workspace = Path(catalog.workspace)
    out: dict[str, int] = {}
    for parent in {os.path.dirname(c.runbook) for c in catalog.components.values() if c.runbook}:
        folder = str(workspace / parent)
        try:
            out[folder] = os.stat(folder).st_mtime_ns
        except OSError:
            out[folder] = -1
    return out


def store(catalog_dir: Path, catalog: Any, problems: list[Any], env: Mapping[str, str],
          order: list[str] | None = None, folders: dict[str, int] | None = None) -> None:
    """Best effort: a cache that cannot be written only costs the next start some time.
    `order` is the catalog's data-flow order (the first frame lists the components in it);
    `folders` the runbook folders' mtimes when `problems` were found (`runbook_folders`)."""
    try:
        entry = _entry(catalog_dir, env)
        if entry is None:
            return
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(entry.parent):
            return  # a directory others can write: whatever we put there could be swapped
        key = _key(entry.parent, create=True)
        if key is None:
            return
        for old in entry.parent.glob("catalog-*.pickle"):  # one entry per catalog is plenty
            if old != entry and _same_catalog(old, catalog_dir):
                old.unlink(missing_ok=True)
        kept = None if order is None else list(order)
        folders = runbook_folders(catalog) if folders is None else folders
        body = pickle.dumps((catalog, problems, kept, folders), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write_bytes(entry, hmac.new(key, body, hashlib.sha256).digest() + body)
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
