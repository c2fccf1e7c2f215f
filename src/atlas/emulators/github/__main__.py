"""Run the GitHub emulator on its own: ``python -m atlas.emulators.github [--repos DIR] [--port N]``.

The token comes from ``$GITHUB_TOKEN`` (never a command-line argument, which ``ps`` shows);
without one, requests need no auth.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .seed import SeedError, load_seed
from .server import GitHubEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.emulators.github", description=__doc__)
    parser.add_argument("--repos", default="scenarios/repos", help="seed directory (owner/name/** + issues.toml + pulls.toml)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks a free one)")
    args = parser.parse_args(argv)
    try:
        seed = load_seed(args.repos)
        emulator = GitHubEmulator(seed, port=args.port, token=os.environ.get("GITHUB_TOKEN") or None)
    except SeedError as exc:  # a seeded PR the history does not allow shows when the forge is built
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"GITHUB_API_URL={emulator.start()}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
