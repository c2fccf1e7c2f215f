"""A closed terminal ends atlas. Under a parent such as `make`, the hang-up signal never
reaches the TUI: its terminal just goes away. Run the real app in a real process on a real
pseudo-terminal that is not its controlling terminal (so no SIGHUP, as under make), then
close the terminal's far end: the app must leave on its own."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .product import tui_env

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from atlas.services import Services
    from atlas.tui.app import AtlasApp

    services = Services(sys.argv[1], demo=False, env=json.loads(sys.argv[2]))
    app = AtlasApp(services, refresh_seconds=None, live=False)
    app.run()
    Path(sys.argv[3]).write_text(f"left with {app.return_code}")
""")


def read_until(fd: int, text: bytes, seconds: float) -> bytes:
    """What the app drew on the terminal, until `text` shows (or the time is up: a start-up
    on a loaded machine is slow, a missing frame fails the assertion after it)."""
    seen, end = b"", time.monotonic() + seconds
    while text not in seen and time.monotonic() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_the_app_leaves_when_its_terminal_is_gone(tmp_path):
    env = {**tui_env(tmp_path), "TERM": "xterm-256color"}
    said = tmp_path / "said"
    master, slave = pty.openpty()
    # Textual draws on stderr; all three on the terminal, as a shell would start it
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(ROOT / "catalog"), json.dumps(env), str(said)],
                            stdin=slave, stdout=slave, stderr=slave, env={**os.environ, **env})
    os.close(slave)
    try:
        assert b"feature-backfill" in read_until(master, b"feature-backfill", 60)  # the first frame
        os.close(master)  # the window closes: the terminal is hung up, and no signal is sent
        master = -1
        proc.wait(timeout=60)  # without the check the app would spin on end-of-file forever
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and said.read_text() == "left with 1"
