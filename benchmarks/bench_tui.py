"""The TUI: how long until the first useful frame, how fast keys move, how much memory.

Figures (same run, interleaved, so a noisy neighbour slows floor and subject alike):
- process start -> first frame, for a bare Textual app (the floor), for atlas on the
  sample catalog (goal <= 1.5x the floor) and for atlas on the N-component synthetic
  catalog (goal <= 3x; with the start-up cache of atlas.services.cache warm, and
  again cold, as on the very first start). Each is a fresh interpreter on a
  pseudo-terminal; atlas counts the first frame that shows catalog rows
  (ATLAS_EXIT_AFTER_FIRST_FRAME=1), not a loading screen; the child writes the
  wall-clock time of that frame to a file.
- keypress -> frame moving down the N-row list: median over 200 presses of `down`, from
  sending the key (Pilot) to the frame handed to the terminal driver, goal < 50 ms; p95,
  max and Pilot's own press+pause round trip in the note.
- peak memory (VmHWM) of the atlas process on the N-component catalog, goal < 300 MB.
"""

from __future__ import annotations

import asyncio
import compileall
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRESSES = 200

# A bare Textual app that leaves after its first frame, timed the same way as atlas.
_BARE = r"""
import os, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        with open(os.environ["ATLAS_FIRST_FRAME_FILE"], "w") as fh:
            fh.write(f"{time.time():.6f}\n")
        self.exit()

Bare().run()
"""

# atlas as `atlas --catalog DIR`, reporting its peak RSS (VmHWM) when it leaves.
_ATLAS = r"""
import atexit, os, sys

def peak():
    with open("/proc/self/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["ATLAS_PEAK_FILE"], "w") as fh:
        fh.write(str(kb))

atexit.register(peak)
from atlas.cli import main
sys.argv = ["atlas", "--catalog", sys.argv[1], "--no-demo"]
main()
"""


def _first_frame(code: str, args: list[str], scratch: Path, cache: Path | None = None) -> tuple[float, int | None]:
    """Seconds from spawning the interpreter to its first frame; peak RSS in kB if reported."""
    frame_file, peak_file = scratch / "frame", scratch / "peak"
    for f in (frame_file, peak_file):
        f.unlink(missing_ok=True)
    env = dict(os.environ, ATLAS_EXIT_AFTER_FIRST_FRAME="1", ATLAS_FIRST_FRAME_FILE=str(frame_file),
               ATLAS_PEAK_FILE=str(peak_file), TERM="xterm-256color", COLUMNS="160", LINES="45",
               ATLAS_CACHE_DIR=str(cache or scratch / "cache"))
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdin=follower, stdout=follower,
                            stderr=follower, env=env, cwd=ROOT, close_fds=True)
    os.close(follower)
    deadline = time.time() + 60
    try:
        while proc.poll() is None and time.time() < deadline:
            try:  # drain the terminal so the app never blocks writing to it
                os.read(leader, 65536)
            except OSError:
                time.sleep(0.005)
        if proc.poll() is None:
            proc.kill()
            raise RuntimeError(f"no first frame within 60 s: {' '.join(args) or 'bare app'}")
    finally:
        os.close(leader)
    if not frame_file.exists():
        raise RuntimeError(f"exited ({proc.returncode}) before its first frame: {' '.join(args) or 'bare app'}")
    peak = int(peak_file.read_text()) if peak_file.exists() else None
    return float(frame_file.read_text()) - start, peak


async def _keypress_times(catalog_dir: Path) -> tuple[list[float], list[float]]:
    """(key -> last frame written, Pilot press+pause round trip) per press, in seconds.

    The frame time is taken where Textual hands the finished frame to the driver
    (`App._display`); Pilot's round trip adds its own idle detection (~70 ms even for a bare
    app on this machine), so it is reported beside, not as the figure."""
    from atlas.tui.app import AtlasApp
    from atlas.services import Services

    app = AtlasApp(Services(catalog_dir, demo=False), live=False, refresh_seconds=None)
    times, trips = [], []
    frames: list[float] = []
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        frames.append(time.perf_counter())

    app._display = timed_display
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(200):  # wait for the catalog
            await pilot.pause(0.05)
            if app.workspace is not None:
                break
        await pilot.pause()
        for _ in range(10):  # warm up
            await pilot.press("down")
        await pilot.pause()
        for _ in range(PRESSES):
            frames.clear()
            t0 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            trips.append(time.perf_counter() - t0)
            if not frames:
                raise RuntimeError("a keypress produced no frame")
            times.append(frames[-1] - t0)
        if app.screen.component_list.cursor <= PRESSES:
            raise RuntimeError("the cursor did not move down the list")
    return times, trips


def run(ctx) -> None:
    big = ctx.workspace() / "catalog"
    sample = ROOT / "catalog"
    if not sample.is_dir():
        raise RuntimeError(f"the sample catalog {sample} is missing")
    scratch = Path(tempfile.mkdtemp(dir=ctx.workdir))
    bare, small, large, cold, peaks = [], [], [], [], []
    # atlas's bytecode, as Textual's (compiled by pip at install): the warm-up start below
    # cannot write it under PYTHONDONTWRITEBYTECODE, and an editable checkout would then
    # compile every atlas module on every start (~20 ms) while the floor never does.
    compileall.compile_dir(ROOT / "src" / "atlas", quiet=1)
    _first_frame(_BARE, [], scratch)  # warm the OS file cache for both
    _first_frame(_ATLAS, [str(sample)], scratch)
    for i in range(ctx.repeat):
        ctx.log(f"tui: first frames, round {i + 1}/{ctx.repeat}")
        bare.append(_first_frame(_BARE, [], scratch)[0])
        small.append(_first_frame(_ATLAS, [str(sample)], scratch)[0])
        seconds, peak = _first_frame(_ATLAS, [str(big)], scratch)
        large.append(seconds)
        peaks.append(peak or 0)
        empty = scratch / f"cold-cache-{i}"  # a first start ever: parse the TOML
        seconds, peak = _first_frame(_ATLAS, [str(big)], scratch, cache=empty)
        cold.append(seconds)
        peaks.append(peak or 0)
    floor = ctx.median(bare)
    ctx.figure("first frame, bare Textual app", floor * 1000, "ms", note=f"median of {ctx.repeat}, fresh process on a pty")
    ctx.figure("first frame, atlas on the sample catalog", ctx.median(small) * 1000, "ms",
               floor=floor * 1000, max_ratio=1.5, note="catalog rows on screen; median")
    ctx.figure(f"first frame, atlas on {ctx.n:,} components", ctx.median(large) * 1000, "ms",
               floor=floor * 1000, max_ratio=3.0, note="catalog rows on screen; median; start-up cache warm")
    ctx.figure("  the same, first start ever (no cache: TOML parsed)", ctx.median(cold) * 1000, "ms",
               floor=floor * 1000, note="median; tomllib alone is most of it")

    ctx.log(f"tui: {PRESSES} keypresses down the {ctx.n:,}-row list")
    times, trips = asyncio.run(_keypress_times(big))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    ctx.figure(f"keypress -> frame, {ctx.n:,}-row list", ctx.median(times) * 1000, "ms", max_value=50,
               note=f"median of {PRESSES} presses of down (scrolling); p95 {p95 * 1000:.1f} ms, "
                    f"max {times[-1] * 1000:.1f} ms; Pilot press+pause round trip {ctx.median(trips) * 1000:.0f} ms")
    ctx.figure(f"peak memory, atlas on {ctx.n:,} components", max(peaks) / 1024, "MB", max_value=300,
               note="VmHWM of the TUI process, cold and warm starts, the worse")
