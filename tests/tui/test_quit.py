"""`q` quits at once, whatever the workers are doing: a health poll stuck in a slow Cloud
Monitoring call must not hold the terminal. Textual runs thread workers on the event loop's
default executor, which `asyncio.run` waits for at exit; the app's workers run on daemon
threads instead. Run in a real process (App.run, headless) so that exit path is the real one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from atlas.emulators.gcp import GcpEmulator
from atlas.emulators.scenario import load_scenario

from .product import tui_env

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, sys
    from atlas.services import Services
    from atlas.tui.app import AtlasApp

    services = Services(sys.argv[1], demo=False, env=json.loads(sys.argv[2]))
    app = AtlasApp(services, refresh_seconds=None)

    async def press_q_mid_poll(pilot):
        for _ in range(200):
            if app.health.refreshing and app.workers:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.5)  # the poll's first call is out, stuck for 5 min
        await pilot.press("q")

    app.run(headless=True, size=(120, 36), auto_pilot=press_q_mid_poll)
    print("quit", app.return_code)
""")


def test_q_quits_while_a_poll_waits_on_a_stuck_call(tmp_path):
    import json

    emulator = GcpEmulator(load_scenario(ROOT / "scenarios" / "nw-recs.toml"))
    host = emulator.start()
    emulator.inject_fault("*", "latency", ms=300_000)  # every call hangs for 5 min
    env = {**tui_env(tmp_path), "MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}
    try:
        # a quit that waited for the stuck call would take 5 min: the timeout (generous, for a
        # loaded machine's start-up) fails it long before
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "catalog"), json.dumps(env)],
                              capture_output=True, text=True, timeout=90, env={**os.environ, **env})
        assert done.returncode == 0, done.stderr[-2000:]
        assert "quit 0" in done.stdout
        assert sum(emulator.calls.values()) > 0  # the poll really was in flight
    finally:
        emulator.stop()
