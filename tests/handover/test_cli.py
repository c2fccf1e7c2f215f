"""`atlas handover`, `atlas whois`, `atlas runbook new`: formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from atlas.cli import cli
from atlas.emulators.github import GitHubEmulator, load_seed
from tests.handover.conftest import ROOT

TOKEN = "ghp_cliTestTokenNeverPrinted01"
SAMPLE = str(ROOT / "catalog")


def run(*args: str, env: dict | None = None, catalog: str = SAMPLE, today: bool = True):
    """Invoke atlas in-process with a fixed date and no GitHub settings unless given."""
    base = {"GITHUB_API_URL": None, "GITHUB_TOKEN": None, "GH_TOKEN": None}
    base.update(env or {})
    dated = ["--today", "2026-11-27"] if today else []
    return CliRunner().invoke(cli, [*args, "--catalog", catalog, *dated], env=base)


@pytest.fixture(scope="module")
def github():
    emu = GitHubEmulator(load_seed(ROOT / "scenarios" / "repos"), token=TOKEN)
    emu.start()
    yield {"GITHUB_API_URL": emu.base_url, "GITHUB_TOKEN": TOKEN}
    emu.stop()


def test_json_lists_every_component_with_score_and_reasons(sample, github):
    r = run("handover", "--format", "json", env=github)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert {c["component"] for c in data["components"]} == set(sample.components)
    assert sum(data["scoring"]["weights"].values()) == 100
    first = data["components"][0]
    assert {"score", "rules", "reasons", "risk", "issues"} <= set(first)
    assert all({"rule", "passed", "reason", "weight"} <= set(rule) for rule in first["rules"])
    top = [r["component"] for r in data["risks"][:10]]
    assert top[0] == "feature-backfill"  # tier 1, 27 downstream, support ending: what would hurt most
    assert {"model-sync", "feature-backfill", "nw-recs-training-data"} <= set(top)
    assert data["risks"][0]["factors"] == ["tier 1", "27 downstream", "support ends in 18 d"]
    ranker = next(c for c in data["components"] if c["component"] == "ranker-svc")
    assert len(ranker["issues"]["bugs"]) == 2 and len(ranker["issues"]["improvements"]) == 1
    assert TOKEN not in r.output


def test_markdown_reads_as_a_plan(github):
    r = run("handover", "--format", "markdown", env=github)
    assert r.exit_code == 0
    md = r.stdout
    for heading in ("# Handover plan: nw-recs", "## Summary", "## Readiness by system", "## Top risks",
                    "## Actions", "## By team", "### Ranking Science (`ranking-science`)",
                    "## Open bugs and improvements"):
        assert f"\n{heading}" in "\n" + md, heading
    assert "| Data pipelines |" in md
    assert "- [ ] Write the runbook for model-sync: `atlas runbook new model-sync` (owner **ml-platform**)" in md
    assert "- [ ] Pair with olga (recs-core) on feature-backfill before 2026-12-15 (18 days)" in md
    assert "- Bug: [nw-recs/serving#1](https://github.com/nw-recs/serving/issues/1)" in md
    assert "- Teams without on-call: ranking-science." in md


def test_text_is_for_a_terminal(github):
    r = run("handover", env=github)
    assert r.exit_code == 0
    assert r.stdout.startswith("Handover plan: nw-recs, 2026-11-27: 50 components, readiness ")
    assert "Top risks (criticality x (gap + 20); criticality from tier" in r.stdout
    assert "why: tier 1; 27 downstream; support ends in 18 d" in r.stdout
    assert "  P1  2026-12-15  feature-eng" in r.stdout


def test_team_filter_and_unknown_team(github):
    r = run("handover", "--team", "ranking-science", "--format", "json", "--no-issues")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert {c["owner"] for c in data["components"]} == {"ranking-science"}
    assert data["team"] == "ranking-science"
    assert data["issues"] == {"skipped": "--no-issues"}

    bad = run("handover", "--team", "ranking-scince")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "atlas: unknown team 'ranking-scince' (did you mean ranking-science?)"
    assert bad.stdout == ""


def test_unreachable_github_still_prints_the_plan_with_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run("handover", "--format", "markdown",
            env={"GITHUB_API_URL": f"http://127.0.0.1:{port}/api/v3", "GITHUB_TOKEN": TOKEN})
    assert r.exit_code == 0
    assert r.stderr.strip().splitlines() == [
        f"atlas: GitHub unreachable at 127.0.0.1:{port} (connection refused): issues skipped"]
    assert "## Actions" in r.stdout and "Traceback" not in r.output and TOKEN not in r.output
    assert f"> GitHub unreachable at 127.0.0.1:{port}" in r.stdout


def test_the_demo_catalog_starts_the_embedded_emulators_for_issues():
    r = run("handover", "--format", "json")  # no GITHUB_API_URL: the sample is demo = true
    assert r.exit_code == 0, r.output
    assert "DEMO" in r.stderr
    data = json.loads(r.stdout)
    assert data["issues"]["errors"] == []
    assert data["issues"]["by_component"]["feature-backfill"]["bugs"]


def test_output_file_is_written(tmp_path):
    out = tmp_path / "plan.md"
    r = run("handover", "--format", "markdown", "--no-issues", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert out.read_text().startswith("# Handover plan: nw-recs")


def test_whois_text_json_and_unknown():
    r = run("whois", "feature-backfill")
    assert r.exit_code == 0
    assert "ask:       Olga Petrova (olga)" in r.stdout
    assert "can-debug  Jonas Weber (jonas)" in r.stdout
    data = json.loads(run("whois", "feature-backfill", "--json").stdout)
    assert data["support_days_left"] == 18 and data["people"][0]["id"] == "jonas"
    bad = run("whois", "feature-backfil")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "atlas: unknown component 'feature-backfil' (did you mean feature-backfill?)"


def test_runbook_new_writes_records_and_then_refuses(sample_copy):
    catalog = str(sample_copy / "catalog")
    r = run("runbook", "new", "model-sync", catalog=catalog)
    assert r.exit_code == 0, r.output
    wrote, recorded = r.stdout.splitlines()
    assert wrote.startswith(f"wrote {sample_copy / 'runbooks' / 'model-sync.md'} (")
    assert wrote.endswith(" places marked TODO to fill in)")
    assert recorded == ('set runbook = "runbooks/model-sync.md" on model-sync in '
                        f"{sample_copy / 'catalog' / 'systems' / 'training.toml'}")
    text = (sample_copy / "runbooks" / "model-sync.md").read_text()
    assert "metrics-explorer?project=nw-recs-serving-prod" in text and "/logs/query;query=" in text

    again = run("runbook", "new", "model-sync", catalog=catalog)
    assert again.exit_code == 1
    assert again.stderr.strip() == "atlas: model-sync already has a runbook: runbooks/model-sync.md"
    assert again.stdout.strip() == "runbooks/model-sync.md"
    assert (sample_copy / "runbooks" / "model-sync.md").read_text() == text


def test_runbook_new_on_a_component_with_a_runbook(sample_copy):
    r = run("runbook", "new", "ranker-svc", catalog=str(sample_copy / "catalog"))
    assert r.exit_code == 1
    assert r.stderr.strip() == "atlas: ranker-svc already has a runbook: runbooks/ranker-svc.md"


def test_learn_records_knowledge_and_reports_errors(sample_copy):
    catalog = str(sample_copy / "catalog")
    r = run("handover", "learn", "feature-backfill", "--person", "priya", "--level", "can-debug", catalog=catalog,
            today=False)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("recorded priya = can-debug on feature-backfill in ")
    assert 'priya = "can-debug"' in (sample_copy / "catalog" / "systems" / "feature-store.toml").read_text()
    same = run("handover", "learn", "feature-backfill", "--person", "priya", "--level", "can-debug", catalog=catalog,
               today=False)
    assert same.stdout.strip() == "priya already can-debug on feature-backfill: nothing to change"
    bad = run("handover", "learn", "feature-backfill", "--person", "pria", catalog=catalog, today=False)
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "atlas: unknown person 'pria' (did you mean priya?)"


def test_a_bad_format_is_a_usage_error():
    r = run("handover", "--format", "pdf")
    assert r.exit_code == 2


def test_text_plan_shows_a_github_failure_once_in_its_issues_section():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run("handover", env={"GITHUB_API_URL": f"http://127.0.0.1:{port}/api/v3"})
    assert r.exit_code == 0 and r.stderr == ""
    assert f"  ! GitHub unreachable at 127.0.0.1:{port} (connection refused): issues skipped" in r.stdout


def test_json_flag_is_the_same_as_format_json():
    """`--json` works here as on every other reporting command."""
    r = run("handover", "--json", "--no-issues")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["components"]) == 50
