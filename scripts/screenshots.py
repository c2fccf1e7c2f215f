"""Render the main screens of the real app into screenshots/*.svg.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 140x42]

Headless, at a fixed size, on the sample catalog with the demo scenario served by the
embedded emulators, everything on one frozen clock (emulators, health service and app),
so the same code gives the same pictures. Screens: catalog (the incident on top),
blast radius of feature-backfill (`b`), its runbook (`r`), component (ranker-svc), graph
(around feature-backfill, blast radius marked), triage, help, experiments and handover.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = 1_795_000_000.0  # 2026-11-18 09:46:40 UTC


async def _settle(app, pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _wait_for_health(app, pilot, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if app.health.snapshot is not None or app.health.error:
            break
        await pilot.pause(0.1)
    await _settle(app, pilot)
    if app.health.snapshot is None:
        raise SystemExit(f"screenshots: no health from the demo emulators: {app.health.error or 'timed out'}")


async def render(out: Path, size: tuple[int, int]) -> list[Path]:
    from atlas.tui.app import AtlasApp
    from atlas.services import Services

    services = Services(ROOT / "catalog", demo=True, now=lambda: FROZEN, scratch=True)
    app = AtlasApp(services, refresh_seconds=None, clock=lambda: FROZEN)
    app.theme = "textual-dark"  # a developer's TEXTUAL_THEME does not change the pictures
    written: list[Path] = []

    def shot(name: str) -> None:
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"atlas: {name}"), encoding="utf-8")
        written.append(path)

    try:
        async with app.run_test(size=size) as pilot:
            await _wait_for_health(app, pilot)
            shot("catalog")
            await pilot.press("b")  # the cursor starts on the top cause
            await _settle(app, pilot)
            shot("blast-radius")
            await pilot.press("escape", "r")
            await _settle(app, pilot)
            shot("runbook")
            await pilot.press("escape")
            app.open_component("ranker-svc")
            await _settle(app, pilot)
            shot("component")
            await pilot.press("escape", "t")
            await _settle(app, pilot)
            shot("triage")
            app.focus_id = "feature-backfill"
            await pilot.press("g")
            await pilot.press("B")
            await _settle(app, pilot)
            shot("graph")
            await pilot.press("c", "question_mark")
            await _settle(app, pilot)
            shot("help")
            await pilot.press("escape", "x")
            await _settle(app, pilot)
            shot("experiments")
            await pilot.press("h")
            await _settle(app, pilot)
            shot("handover")
    finally:
        services.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--size", default="140x42", help="COLUMNSxROWS")
    args = parser.parse_args()
    try:
        columns, rows = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"screenshots: --size {args.size!r}: expected COLUMNSxROWS like 140x42", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(render(args.out, (columns, rows))):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
