"""Live health: ctrl+r, the re-armed interval, failures kept stale and said in one line."""

from __future__ import annotations

import threading
import time

from .conftest import SIZE, settle
from .product import NOW, ScriptedServices, all_ok, incident
from .screen_text import Notices, screen_text


async def test_ctrl_r_refreshes_now(catalog, make_app):
    source = ScriptedServices(catalog, [incident(catalog), all_ok(catalog, taken_at=NOW + 30)])
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "✖ 1 CRIT" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "● 8 OK" in header and "CRIT" not in header
        assert "refreshed 14:13:50 UTC" in header
        assert source.refreshes == 2


async def test_failed_refresh_keeps_values_marks_them_stale_and_says_why(catalog, make_app):
    boom = ConnectionError("monitoring.googleapis.com: 503 Service Unavailable\n  File x.py, line 3")
    source = ScriptedServices(catalog, [incident(catalog), boom])
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        lines = screen_text(app).splitlines()
        assert "refresh failed: monitoring.googleapis.com: 503 Service Unavailable File x.py, line 3" in lines[1]
        assert "values marked ~ are stale" in lines[1]
        assert "refreshed 14:13:20 UTC" in lines[0]  # the time of the values still shown
        assert any("✖ CRIT~" in line and "sessionizer" in line for line in lines)
        await pilot.press("t")
        await pilot.pause()
        assert "sessionizer" in screen_text(app) and "stale" in screen_text(app)


async def test_first_refresh_failing_shows_no_values_not_fake_ones(catalog, make_app):
    source = ScriptedServices(catalog, [TimeoutError("deadline exceeded after 10 s")])
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "refresh failed: deadline exceeded after 10 s (no values yet)" in text
        assert "○ 8 NO DATA" in text.splitlines()[0]


async def test_some_query_groups_failing_is_said(catalog, make_app):
    snapshot = incident(catalog)
    snapshot.errors = ["dataflow.googleapis.com/job/system_lag: permission denied on shop-data", "other"]
    app = make_app(ScriptedServices(catalog, [snapshot]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        line = screen_text(app).splitlines()[1]
        assert "some signals failed: dataflow.googleapis.com/job/system_lag: permission denied" in line
        assert "(+1 more)" in line


async def test_a_slow_refresh_never_blocks_keys_nor_overlaps(catalog, make_app):
    source = ScriptedServices(catalog)
    source.gate = threading.Event()  # the poll hangs until released
    app = make_app(source)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await pilot.pause(0.2)
        assert "loading health…" in screen_text(app)
        await pilot.press("t")  # keys work while the poll runs
        await pilot.pause()
        assert app.screen.TITLE == "Triage"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("already running" in m for m in notices.messages())
        source.gate.set()
        await settle(app, pilot)
        assert source.refreshes == 1
        assert "CAUSE" in screen_text(app)


async def test_interval_rearmed_only_after_each_poll(catalog, make_app):
    class Counting(ScriptedServices):
        running = peak = 0

        def refresh_health(self):
            self.running += 1
            self.peak = max(self.peak, self.running)
            time.sleep(0.05)  # longer than the interval: a fixed-rate timer would overlap
            self.running -= 1
            return super().refresh_health()

    source = Counting(catalog)
    app = make_app(source, refresh_seconds=0.01)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # up to 5 s on a busy machine
            if source.refreshes >= 3:
                break
            await pilot.pause(0.05)
        assert source.refreshes >= 3
        assert source.peak == 1


async def test_benchmark_mode_leaves_after_the_first_frame_with_rows(catalog, make_app, tmp_path):
    from .product import tui_env

    frame = tmp_path / "frame"
    # the app reads its settings from the services' environment, not the process's
    source = ScriptedServices(catalog, env={**tui_env(tmp_path), "ATLAS_EXIT_AFTER_FIRST_FRAME": "1",
                                            "ATLAS_FIRST_FRAME_FILE": str(frame)})
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            if frame.exists():
                break
            await pilot.pause(0.05)
        assert float(frame.read_text()) > 0
        assert app.workspace is not None and source.refreshes == 0  # no poll: just the frame
