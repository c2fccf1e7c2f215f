"""The catalog commands as a user runs them: output, JSON and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from atlas.cli import cli
from tests.catalog.product import write_product
from tests.helpers import component, write_catalog

ATLAS = Path(sys.executable).with_name("atlas")


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_lint_clean_catalog_exits_0_with_summary(tmp_path):
    write_product(tmp_path)
    r = run("lint", "--catalog", "catalog", cwd=tmp_path)
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[-1] == "0 errors, 4 warnings in 6 files"
    assert "warning: catalog/systems/serving.toml:34: component recs-api: runbook: no runbook" in r.output


def test_lint_broken_catalog_exits_1_and_prints_every_error(tmp_path):
    write_catalog(tmp_path, [component("a", owner="sre", depends_on=["bb"]), component("b", kind="modle")],
                  files={"x.toml": "[[team]\nid = 1\n"})
    r = run("lint", "--catalog", "catalog", cwd=tmp_path)
    assert r.exit_code == 1
    assert 'error: catalog/components.toml:5: component a: depends_on[0]: unknown component "bb" (did you mean b?)' \
        in r.output
    assert "error: catalog/x.toml:1: TOML syntax error" in r.output
    assert r.output.splitlines()[-1].startswith("3 errors, ")


def test_lint_json(tmp_path):
    root = write_product(tmp_path)
    r = run("lint", "--catalog", str(root), "--json")
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["ok"] is True and data["errors"] == 0 and data["warnings"] == 4
    assert data["files"] == 6 and data["components"] == 5
    assert {p["code"] for p in data["problems"]} == {"no-runbook", "no-signals", "no-oncall"}
    r2 = run("lint", "--catalog", str(root), "--format", "json")
    assert json.loads(r2.output) == data


def test_usage_errors_exit_2(tmp_path):
    assert run("lint", "--catalog", str(tmp_path / "missing")).exit_code == 2
    assert run("graph", "x", "--format", "png", "--catalog", str(tmp_path)).exit_code == 2
    assert run("graph", "--catalog", str(tmp_path)).exit_code == 2
    assert run("graph", "x", "--depth", "0").exit_code == 2


def test_show_everything_about_one_component(tmp_path):
    root = write_product(tmp_path)
    r = run("show", "ranker-svc", "--catalog", str(root))
    assert r.exit_code == 0
    out = r.output
    for expected in [
        "  kind            grpc_service",
        "  system          serving (Serving)",
        "  owner           ranking-science (Ranking Science)  chat #recs-ranking  on-call pagerduty:ranking-science",
        "  previous owner  recs-core",
        "  stage           shadowing",
        "  repo            serving  nw-recs/serving  https://github.com/nw-recs/serving",
        "  project         nw-recs-serving-prod",
        "  runbook         runbooks/ranker-svc.md",
        "  upstream        events",
        "  downstream      recs-api",
        "  signals         grpc-error-ratio  warn > 2 %, crit > 5 % (overridden)  prometheus.googleapis.com/",
        '  log filter      resource.type="k8s_container" AND resource.labels.container_name="ranker-svc"',
    ]:
        assert expected in out, expected
    assert "support until   2027-02-28 (" in out


def test_show_json(tmp_path):
    root = write_product(tmp_path)
    data = json.loads(run("show", "ranker-svc", "--json", "--catalog", str(root)).output)
    assert data["owner"] == {"id": "ranking-science", "name": "Ranking Science", "chat": "#recs-ranking",
                             "oncall": "pagerduty:ranking-science"}
    assert data["handover"]["previous_owner"] == "recs-core" and data["handover"]["support_until"] == "2027-02-28"
    assert data["signals"][0]["warn"] == 2 and data["signals"][0]["crit"] == 5
    assert data["repo"]["default_branch"] == "trunk"


def test_show_unknown_id_suggests_and_exits_1(tmp_path):
    root = write_product(tmp_path)
    r = CliRunner().invoke(cli, ["show", "ranker-sv", "--catalog", str(root)])
    assert r.exit_code == 1
    assert r.output.strip() == 'atlas: unknown component "ranker-sv" (did you mean ranker-svc?)'


def test_show_on_a_broken_catalog_prints_errors_and_exits_1(tmp_path):
    root = write_catalog(tmp_path, [component("a", owner="sre", depends_on=["zz"])])
    r = CliRunner().invoke(cli, ["show", "a", "--catalog", str(root)])
    assert r.exit_code == 1
    assert 'unknown component "zz"' in r.output and "1 error in catalog" in r.output


def test_graph_text_tree_with_hop_depth(tmp_path):
    root = write_product(tmp_path)
    r = run("graph", "recs-api", "--upstream", "--catalog", str(root))
    assert r.exit_code == 0
    tree, _, by_system = r.output.partition("\nupstream by system")
    rows = [line.split() for line in tree.splitlines()[3:] if line.strip()]
    assert [(row[row.index("hop") - 1], row[row.index("hop") + 1]) for row in rows] == [
        ("ranker-svc", "1"), ("events", "2"), ("clickstream-sessionizer", "3"), ("clickstream-raw-df", "4")]
    # then the same components by system, every hop (no "and N more")
    assert all(cid in by_system for cid in ("ranker-svc", "events", "clickstream-sessionizer", "clickstream-raw-df"))
    assert "downstream" not in r.output


def test_graph_json_depth_limit(tmp_path):
    root = write_product(tmp_path)
    data = json.loads(run("graph", "events", "--depth", "1", "--format", "json", "--catalog", str(root)).output)
    assert [(n["id"], n["depth"], n["direction"]) for n in data["nodes"]] == [
        ("events", 0, "root"), ("clickstream-sessionizer", 1, "upstream"), ("ranker-svc", 1, "downstream")]
    assert data["edges"] == [{"from": "clickstream-sessionizer", "to": "events"},
                             {"from": "events", "to": "ranker-svc"}]


def test_graph_dot_and_mermaid(tmp_path):
    root = write_product(tmp_path)
    dot = run("graph", "events", "--downstream", "--format", "dot", "--catalog", str(root)).output
    assert dot.startswith('digraph "events" {') and '"ranker-svc" -> "recs-api";' in dot
    mermaid = run("graph", "events", "--downstream", "--format", "mermaid", "--catalog", str(root)).output
    assert mermaid.splitlines()[0] == "flowchart LR" and "n1 --> n2" in mermaid


def test_graph_unknown_id(tmp_path):
    root = write_product(tmp_path)
    r = CliRunner().invoke(cli, ["graph", "evnts", "--catalog", str(root)])
    assert r.exit_code == 1 and "did you mean events?" in r.output


def test_installed_atlas_lint_on_broken_catalog_has_no_traceback(tmp_path):
    write_catalog(tmp_path, [component("a", kind="grpc-service", handover={"support_until": "soon"})],
                  files={"bad.toml": "id = \n", "bin.toml": ""})
    (tmp_path / "catalog" / "bin.toml").write_bytes(b"\xff\xfe[[team]]")
    proc = subprocess.run([str(ATLAS), "lint", "--catalog", "catalog"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "error: catalog/bin.toml: not UTF-8 text" in proc.stdout
    assert 'kind: unknown kind "grpc-service" (did you mean grpc_service?)' in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("4 errors")
