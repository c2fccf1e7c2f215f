"""Is the terminal still there? A closed window or tmux session hangs the terminal up.

The kernel sends the hang-up signal to the session leader; a parent such as `make` keeps it
from reaching atlas, and Textual's input thread then reads end-of-file forever (a busy loop),
while the health polls go on with nobody to see them and the demo's scratch copy stays.
So the app asks the terminal itself, once a second: after a hang-up, stdin is no longer a
terminal (`isatty` is false, `tcgetattr` fails with EIO).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

CHECK_SECONDS = 1.0


def probe() -> Callable[[], bool] | None:
    """A "still attached?" check for this process's terminal; None when stdin was never a
    terminal (tests, a pipe): nothing to lose then."""
    try:
        fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
    except (OSError, ValueError):
        return None
    if fd < 0 or not os.isatty(fd):
        return None
    return lambda: os.isatty(fd)
