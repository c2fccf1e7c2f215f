"""`atlas experiment watch` as cron and CI run it: exit codes, --json, --record, and the
demo's two running experiments."""

from __future__ import annotations

import json
import tomllib

from click.testing import CliRunner

from atlas.cli import cli
from atlas.services import Services

from .conftest import NOW, ROOT, latency, manifest_text, scenario, traffic, write_catalog


def invoke(catalog, *args, env=None, demo=None):
    """The command with a Services on the frozen clock (what `services()` would build)."""
    svc = Services(catalog, env=env or {}, now=lambda: NOW, demo=demo)
    try:
        return CliRunner().invoke(cli, ["experiment", "watch", "--catalog", str(catalog), *args],
                                  obj={"services": svc, "demo": demo}, catch_exceptions=False)
    finally:
        svc.close()


def test_exit_codes_follow_the_worst_running_experiment(tmp_path, serve):
    emu = serve(scenario(traffic("ok", "control", 600, noise=10, seed=3), traffic("ok", "treatment", 600, noise=10, seed=4),
                         latency("ok", "control", 0.1), latency("ok", "treatment", 0.1),
                         traffic("bad", "control", 1168), traffic("bad", "treatment", 1000)))
    env = {"MONITORING_EMULATOR_HOST": f"127.0.0.1:{emu.port}"}
    cat = write_catalog(tmp_path, {"ok": manifest_text("ok"), "bad": manifest_text("bad")})
    everything = invoke(cat, env=env)
    assert everything.exit_code == 1
    assert "bad  CRIT (failing for" in everything.output
    assert "treatment 46.1 % of 6.1 M, expected 50.0 %" in everything.output
    assert "2 Cloud Monitoring calls for 2 metrics" in everything.output  # requests and latency, both experiments
    healthy = invoke(cat, "ok", env=env)
    assert healthy.exit_code == 0, healthy.output
    assert "ok  OK" in healthy.output and "bad" not in healthy.output


def test_json_and_record(tmp_path, serve):
    emu = serve(scenario(traffic("bad", "control", 1168), traffic("bad", "treatment", 1000)))
    env = {"MONITORING_EMULATOR_HOST": f"127.0.0.1:{emu.port}"}
    cat = write_catalog(tmp_path, {"bad": manifest_text("bad")})
    result = invoke(cat, "bad", "--json", "--record", env=env)
    assert result.exit_code == 1
    data = json.loads(result.output)
    exp = data["experiments"][0]
    assert exp["status"] == "CRIT" and exp["since"].endswith("Z")
    srm = next(c for c in exp["checks"] if c["check"] == "srm")
    assert abs(srm["numbers"]["observed_share"]["treatment"] - 0.4612) < 1e-3 and srm["numbers"]["p_value"] < 1e-12
    recorded = tomllib.loads((cat / "experiments" / "bad.toml").read_text())["watch"]
    assert recorded["status"] == "CRIT" and recorded["command"] == "atlas experiment watch bad"


def test_a_watch_that_cannot_reach_monitoring_exits_1_and_says_why(tmp_path):
    cat = write_catalog(tmp_path, {"x": manifest_text("x")})
    result = invoke(cat, env={"MONITORING_EMULATOR_HOST": "127.0.0.1:9"})
    assert result.exit_code == 1
    assert "x  ERROR" in result.output and "query failed: Cloud Monitoring" in result.output
    assert "Traceback" not in result.output


def test_a_draft_or_unknown_experiment_is_one_line(tmp_path):
    cat = write_catalog(tmp_path, {"d": manifest_text("d", state="draft")})
    draft = invoke(cat, "d", env={"MONITORING_EMULATOR_HOST": "127.0.0.1:9"})
    assert draft.exit_code == 1 and "d is draft, not running" in draft.output
    unknown = invoke(cat, "nope", env={"MONITORING_EMULATOR_HOST": "127.0.0.1:9"})
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output


def test_the_demo_has_one_experiment_with_a_mismatch_and_one_healthy():
    result = invoke(ROOT / "catalog", "--json", demo=True)
    assert result.exit_code == 1
    data = json.loads(result.output[result.output.index("{"):])
    by_id = {e["experiment"]: e for e in data["experiments"]}
    assert set(by_id) == {"exp-ranker-wide-v1", "exp-ranker-item-age"}
    wide = by_id["exp-ranker-wide-v1"]
    assert wide["status"] == "CRIT"
    assert wide["reason"].startswith("srm: treatment 49.6 % of 6.9 M, expected 50.0 %: p = ")
    healthy = by_id["exp-ranker-item-age"]
    assert healthy["status"] == "OK"
    assert {c["check"]: c["status"] for c in healthy["checks"]} == {
        "exposure": "OK", "srm": "OK", "served": "OK", "errors": "OK", "latency": "OK", "fed": "OK"}
    assert data["calls"] == data["metrics"] == 3


def test_a_concluded_experiment_keeps_its_last_watch_in_the_manifest(tmp_path, serve):
    emu = serve(scenario(traffic("bad", "control", 1168), traffic("bad", "treatment", 1000)))
    cat = write_catalog(tmp_path, {"bad": manifest_text("bad")})
    svc = Services(cat, env={"MONITORING_EMULATOR_HOST": f"127.0.0.1:{emu.port}"}, now=lambda: NOW)
    try:
        result = CliRunner().invoke(cli, ["experiment", "conclude", "--catalog", str(cat), "bad"],
                                    obj={"services": svc}, catch_exceptions=False)
    finally:
        svc.close()
    assert result.exit_code == 0, result.output
    assert "last watch: CRIT: srm: treatment 46.1 % of 6.1 M" in result.output
    data = tomllib.loads((cat / "experiments" / "bad.toml").read_text())
    assert data["state"] == "concluded"
    assert data["watch"]["status"] == "CRIT" and data["watch"]["checked_at"] == "2026-12-03T10:00:00Z"
