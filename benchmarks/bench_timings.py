"""Seconds the unit tests used to assert, now measured here (informational; a shared CI
machine decides nothing). The tests keep the behaviour: the call count of a refresh against
a dead endpoint, the timeout message of a slow one, one keep-alive connection.

Figures:
- refresh of 24 metric groups against a loopback port nobody listens on, against the floor
  of ONE group against the same dead port in the same run (goal <= 2x: the first failure
  marks the endpoint down, so the other groups do not each wait out a retry deadline);
- refresh with a 3 s latency fault, client timeout 0.5 s and retry deadline 0.3 s, against
  the floor of the same refresh with no fault (the extra is the timeout, not the 3 s);
- GitHub emulator, one keep-alive GET (goal < 15 ms: ~40 ms each if Nagle were left on).
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the tests' catalog builders are reused as inputs
    sys.path.insert(0, str(ROOT))


def _dead_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _service(catalog, host: str, **client_kw):
    from atlas.health.clients import make_clients
    from atlas.health.service import HealthService

    from tests.health.builders import NOW

    clients = make_clients({"MONITORING_EMULATOR_HOST": host, "LOGGING_EMULATOR_HOST": host}, **client_kw)
    return HealthService(catalog, clients=clients, now=lambda: NOW)


def _unreachable(ctx) -> None:
    from tests.health.builders import job, lag_signal, make_catalog

    def catalog_of(n: int):
        return make_catalog([job(f"j-{i}", project=f"proj-{i}") for i in range(n)], [lag_signal()])

    one, many = catalog_of(1), catalog_of(24)
    floor = min(ctx.timeit(lambda: _service(one, _dead_address()).refresh(), ctx.repeat))
    ours = min(ctx.timeit(lambda: _service(many, _dead_address()).refresh(), ctx.repeat))
    ctx.figure("health refresh, 24 groups, dead endpoint", ours, "s", floor=floor, max_ratio=2.0,
               note=f"best of {ctx.repeat}; floor = 1 group against a dead endpoint, default retry deadline")


def _slow(ctx) -> None:
    from tests.health.live import scenario_catalog, start_emulator

    with tempfile.TemporaryDirectory(dir=ctx.workdir) as tmp:
        emulator = start_emulator(Path(tmp))
        try:
            service = _service(scenario_catalog(), emulator.address, timeout=0.5, retry_deadline=0.3)
            service.refresh()  # warm-up: imports, channel connect
            floor = min(ctx.timeit(service.refresh, ctx.repeat))
            times = []
            for _ in range(ctx.repeat):
                emulator.inject_fault("dataflow.googleapis.com/job/is_failed", "latency", ms=3000, times=1)
                times += ctx.timeit(service.refresh, 1)
            ctx.figure("health refresh, one group 3 s slow, timeout 0.5 s", min(times), "s", floor=floor,
                       max_value=2.5, note="floor = the same refresh without the fault")
        finally:
            emulator.stop()


def _keep_alive(ctx) -> None:
    import requests

    from atlas.emulators.github import GitHubEmulator, load_seed

    emu = GitHubEmulator(load_seed(ROOT / "scenarios" / "repos"), token="bench-token")
    emu.start()
    try:
        session = requests.Session()
        session.headers["Authorization"] = "token bench-token"
        url = emu.base_url + "/repos/nw-recs/serving"
        session.get(url).raise_for_status()
        per_request = ctx.timeit(lambda: session.get(url).raise_for_status(), 50 if ctx.quick else 200)
        ctx.figure("GitHub emulator, keep-alive GET, median", statistics.median(per_request) * 1e3, "ms",
                   max_value=15.0, note="Nagle's algorithm is off in the emulator's handler")
    finally:
        emu.stop()


def run(ctx) -> None:
    _unreachable(ctx)
    _slow(ctx)
    _keep_alive(ctx)
