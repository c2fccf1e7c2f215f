"""Atomic file writes: a temp file in the same directory, fsync, then rename (or link).

A crash or a kill mid-write leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _temp_copy(path: Path, data: bytes) -> str:
    """A synced temp file holding `data` next to `path`; the caller renames or removes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # the temp name adds ~14 characters: cut the prefix so a long (legal) name still fits
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    tmp = _temp_copy(path, data)
    try:
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        try:
            os.replace(tmp, path)
        except OSError as exc:  # name the file the caller asked for, not our temp file
            raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    # newline="" semantics: write exactly the characters given (no \r\n translation).
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_create_text(path: str | Path, text: str) -> None:
    """Write a file that must not exist yet: it appears complete or not at all, and an
    existing file is never replaced (FileExistsError, even when it appeared meanwhile)."""
    path = Path(path)
    tmp = _temp_copy(path, text.encode("utf-8"))
    try:
        os.chmod(tmp, 0o644)
        os.link(tmp, path)  # unlike rename, fails when something is there
    finally:
        os.unlink(tmp)
