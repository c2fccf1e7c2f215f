"""An endpoint that does not answer: one line, fast, and the rest of health still refreshes."""

from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli
from atlas.emulators.runner import start_all
from atlas.health.model import Status

from .product import catalog, running

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_kf_endpoint_at_a_closed_port_is_one_line_and_the_rest_of_health_refreshes():
    with start_all(ROOT / "scenarios" / "nw-recs.toml") as emulators:
        env = {**emulators.env(), "KF_PIPELINES_ENDPOINT": f"http://127.0.0.1:{closed_port()}"}
        result = CliRunner().invoke(cli, ["--catalog", str(ROOT / "catalog"), "health"], env=env)
    kubeflow_lines = [line for line in result.stderr.splitlines() if "Kubeflow" in line]
    assert len(kubeflow_lines) == 1, result.stderr
    assert "unreachable" in kubeflow_lines[0] and "13 queries failed" not in kubeflow_lines[0]
    assert "feature-backfill" in result.stdout and "CRIT" in result.stdout  # Monitoring still read
    assert "ERROR    ranker-training-nightly" in result.stdout


def test_the_reader_does_not_ask_the_endpoint_again_in_the_same_refresh():
    cat = catalog(["ranker-training-nightly"])
    with running(cat, []) as (service, emu):
        emu.faults.add("drop", times=5)
        snap = service.refresh()
    assert snap.components["ranker-training-nightly"].status is Status.ERROR
    assert len(snap.errors) == 1 and "unreachable" in snap.errors[0]
    assert len(emu.requests) == 1


def test_a_server_error_is_error_with_the_servers_words_and_recovers_next_refresh():
    cat = catalog(["ranker-training-nightly"])
    from .product import nightly

    with running(cat, [nightly()]) as (service, emu):
        emu.faults.add("500", path_regex="/runs$")
        bad = service.refresh()
        good = service.refresh()
    assert bad.components["ranker-training-nightly"].status is Status.ERROR
    assert "HTTP 500: upstream connect error" in bad.errors[0]
    assert good.components["ranker-training-nightly"].status is Status.OK



def test_an_endpoint_without_a_scheme_is_read_as_http_like_the_kfp_sdk_does():
    from atlas.emulators.kfp import KfpEmulator
    from atlas.kubeflow.reader import make_reader

    from .product import NOW, nightly

    emu = KfpEmulator({"namespace": "kubeflow", "recurring_run": [nightly()]}, now=lambda: NOW)
    endpoint = emu.start()
    reader = make_reader(catalog(["ranker-training-nightly"]), {"KF_PIPELINES_ENDPOINT": endpoint.removeprefix("http://")})
    try:
        rr, runs = reader.runs_of("kfp", "ranker-training-nightly", now=NOW)
    finally:
        reader.close()
        emu.stop()
    assert rr is not None and len(runs) == 7
