"""Files atlas writes, and files it reads from places a user (or a stranger) chose.

Writes are atomic: a temp file in the same directory, fsync, then rename (or link), so a
crash or a kill mid-write leaves either the old file or the new one, never half of each.
A symlink is followed, so the edit lands in the link's target and the link stays a link.
Read-modify-write callers hold `locked(path)` across the read and the rename, so two
atlas processes editing one file cannot lose each other's change.

Reads of user-named files go through `read_regular`: a FIFO, a device or a directory is
refused before anything could block on it, and a size limit bounds what is read.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Linux limits (limits.h): a name of more than NAME_MAX bytes, or a path of more than
# PATH_MAX, fails with ENAMETOOLONG; checking first gives a message that names the field.
NAME_MAX = 255
PATH_MAX = 4096
LOCK_TIMEOUT = 10.0  # seconds to wait for another atlas process that holds the lock


class LockTimeout(OSError):
    """Another process held the file's lock for longer than the timeout."""


class NotRegularFile(OSError):
    """A path that names a FIFO, a device, a socket or a directory where a file was expected."""


def name_problem(path: str | Path) -> str:
    """Why this path cannot exist on the file system ("" when it can): checked before any
    system call, so the user gets the reason instead of an OSError."""
    text = os.fsencode(str(path))
    if len(text) > PATH_MAX:
        return f"path is {len(text)} bytes long; the file system allows {PATH_MAX}"
    for part in text.split(b"/"):
        if len(part) > NAME_MAX:
            return f"a name in the path is {len(part)} bytes long; the file system allows {NAME_MAX}"
    return ""


def write_target(path: str | Path) -> Path:
    """Where a write to `path` must go: a symlink's final target (so the link stays a link;
    a dangling link's target is created). A loop of links is an OSError (ELOOP), as the
    kernel says it: os.path.realpath alone would quietly return the link itself."""
    path = Path(path)
    if not os.path.islink(path):
        return path
    try:
        os.stat(path)
    except FileNotFoundError:
        pass
    return Path(os.path.realpath(path))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_replaceable(path: str | Path) -> Path:
    """The regular file (or new name) a write to `path` will replace, following symlinks;
    NotRegularFile when it is a device, a FIFO, a socket or a directory: replacing one of
    those with a regular file (as root, /dev/null) would break whatever else relies on it."""
    target = write_target(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(errno.EINVAL, f"is {_kind(st.st_mode)}, not a regular file; not replacing it",
                             str(path))
    return target


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`. The file is opened non-blocking
    and checked with fstat on the open descriptor (no window for a swap), so a FIFO or a
    device is refused instead of hanging; NotRegularFile / OSError otherwise."""
    problem = name_problem(path)
    if problem:
        raise OSError(errno.ENAMETOOLONG, problem, str(path))
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(errno.EINVAL, f"is {_kind(st.st_mode)}, not a regular file", str(path))
        if st.st_size > max_bytes:
            raise OSError(errno.EFBIG, f"is {st.st_size} bytes; at most {max_bytes} are read", str(path))
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # it grew while we read
                raise OSError(errno.EFBIG, f"is more than {max_bytes} bytes", str(path))
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(path: str | Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an advisory lock (flock) for a read-modify-write of `path`.

    The lock is taken on the directory that holds the file's target: the file itself is
    replaced by a rename during the write, so a lock on its inode would not exclude a
    process that opened the new one. Raises LockTimeout after `timeout` seconds.
    """
    directory = write_target(path).parent
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(errno.EAGAIN, f"another atlas process has held the lock on {directory} for "
                                      f"{timeout:g} s; try again when it has finished", str(path)) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _new_file_mode() -> int:
    """What `open()` would give a new file: 0666 less the process umask (a private umask
    keeps `-o` output private). Linux tells the umask without changing it; elsewhere it is
    read by setting it back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            umask = next(int(line.split()[1], 8) for line in fh if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError):
        umask = os.umask(0)
        os.umask(umask)
    return 0o666 & ~umask


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
    """Replace `path` (its target, when it is a symlink) with `data`, atomically.
    A device, a FIFO or a directory is never replaced (NotRegularFile)."""
    asked = Path(path)
    path = check_replaceable(asked)
    tmp = _temp_copy(path, data)
    try:
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, _new_file_mode())
        try:
            os.replace(tmp, path)
        except OSError as exc:  # name the file the caller asked for, not our temp file
            raise OSError(exc.errno, exc.strerror, str(asked)) from None
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
    problem = name_problem(path)
    if problem:
        raise OSError(errno.ENAMETOOLONG, problem, str(path))
    tmp = _temp_copy(path, text.encode("utf-8"))
    try:
        os.chmod(tmp, _new_file_mode())
        os.link(tmp, path)  # unlike rename, fails when something is there
    finally:
        os.unlink(tmp)
