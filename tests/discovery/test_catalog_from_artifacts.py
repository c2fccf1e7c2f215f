"""The done-when behaviours on the sample's artifacts: --init drafts a catalog lint accepts
with most of the sample's edges, --write puts a removed component and edge back and touches
nothing else, a second run writes nothing, a rejection sticks."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from click.testing import CliRunner

from atlas.catalog.loader import load_catalog
from atlas.cli import cli

from .conftest import ROOT


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def edges_of(catalog_dir: Path) -> set[tuple[str, str]]:
    result = load_catalog(catalog_dir)
    return {(up, c.id) for c in result.catalog.components.values() for up in c.depends_on}


def test_init_on_an_empty_folder_drafts_a_catalog_lint_accepts_with_most_sample_edges(tmp_path, sample_repo_args):
    target = tmp_path / "draft"
    res = run("discover", *sample_repo_args, "--init", str(target))
    assert res.exit_code == 0, res.output
    lint = run("lint", "--catalog", str(target))
    assert lint.exit_code == 0, lint.output
    assert "0 errors" in lint.output and "warning" in lint.output  # owners to confirm, runbooks missing
    sample, drafted = edges_of(ROOT / "catalog"), edges_of(target)
    found = sample & drafted
    assert len(found) / len(sample) >= 0.90, sorted(sample - drafted)
    # every drafted edge carries its evidence as a comment on its depends_on line
    text = "\n".join(p.read_text() for p in target.rglob("*.toml"))
    for up, down in found:
        line = next(l for l in text.splitlines() if l.strip().startswith(f'"{up}",') and "discovered:" in l)
        assert line


def test_init_refuses_a_folder_that_already_holds_a_catalog(tmp_path, sample_repo_args):
    target = tmp_path / "draft"
    target.mkdir()
    (target / "teams.toml").write_text("# mine\n")
    res = run("discover", *sample_repo_args, "--init", str(target))
    assert res.exit_code == 1
    assert "already holds TOML files" in res.output
    assert (target / "teams.toml").read_text() == "# mine\n"


def _remove_explain_svc_and_one_edge(serving: Path) -> str:
    text = serving.read_text()
    start = text.index('[[component]]\nid = "explain-svc"')
    end = text.index('[[component]]\nid = "recs-admin"')
    text = text[:start] + text[end:]
    text = text.replace('depends_on = ["grpc-edge", "retrieval-svc", "ranker-svc", "feature-fetcher"]',
                        'depends_on = ["grpc-edge", "retrieval-svc", "feature-fetcher"]')
    serving.write_text(text)
    return text


def test_write_puts_back_a_removed_component_and_edge_and_nothing_else_changes(workspace, sample_repo_args):
    cat = workspace / "catalog"
    serving = cat / "systems" / "serving.toml"
    before = _remove_explain_svc_and_one_edge(serving)
    others = {p: p.read_bytes() for p in cat.rglob("*.toml") if p != serving}

    res = run("discover", "--catalog", str(cat), *sample_repo_args, "--write")
    assert res.exit_code == 0, res.output
    assert "added component explain-svc -> serving.toml" in res.output
    assert "added edge: recs-api depends on ranker-svc" in res.output
    assert {p: p.read_bytes() for p in others} == others  # byte-identical elsewhere
    after = serving.read_text()
    comps = {c["id"]: c for c in tomllib.loads(after)["component"]}
    assert "ranker-svc" in comps["recs-api"]["depends_on"]
    assert comps["explain-svc"]["depends_on"] == ["ranker"]
    assert comps["explain-svc"]["labels"] == {"service_name": "explain-svc"}
    # only two places changed: the recs-api depends_on line and the appended component
    changed = [l for l in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if l.startswith("-") and not l.startswith("---")]
    assert changed == ['-depends_on = ["grpc-edge", "retrieval-svc", "feature-fetcher"]']
    assert after.startswith(before[: before.index('depends_on = ["grpc-edge", "retrieval-svc", "feature-fetcher"]')])
    assert load_catalog(cat).ok

    snapshot = {p: p.read_bytes() for p in cat.rglob("*.toml")}
    again = run("discover", "--catalog", str(cat), *sample_repo_args, "--write")
    assert "nothing new to write" in again.output
    assert {p: p.read_bytes() for p in cat.rglob("*.toml")} == snapshot


def test_the_full_sample_catalog_gets_no_proposals_from_its_own_artifacts(sample_repo_args):
    res = run("discover", "--catalog", str(ROOT / "catalog"), *sample_repo_args, "--format", "json")
    import json

    data = json.loads(res.stdout)
    assert not [c["id"] for c in data["components"] if not c["known"]]
    assert not [(e["from"], e["to"]) for e in data["edges"] if not e["known"]]
    # the JSON contract: from is the upstream, every entry has evidence
    edge = next(e for e in data["edges"] if e["to"] == "recs-api" and e["from"] == "ranker-svc")
    assert edge["evidence"][0]["where"] == "serving/deploy/recs-api/deployment.yaml:25"
    assert all(c["evidence"] for c in data["components"]) and all(e["evidence"] for e in data["edges"])
    assert set(data) >= {"components", "edges", "owners", "knowledge", "drift"}


def test_a_rejected_proposal_is_recorded_in_the_catalog_and_never_proposed_again(workspace, sample_repo_args):
    cat = workspace / "catalog"
    _remove_explain_svc_and_one_edge(cat / "systems" / "serving.toml")
    res = run("discover", "--catalog", str(cat), "--reject", "explain-svc", "--reject", "recs-api<-ranker-svc")
    assert res.exit_code == 0, res.output
    assert load_catalog(cat).ok
    assert len(load_catalog(cat).catalog.rejected_proposals) == 2
    serving_before = (cat / "systems" / "serving.toml").read_bytes()
    res = run("discover", "--catalog", str(cat), *sample_repo_args, "--write")
    assert "nothing new to write" in res.output
    assert (cat / "systems" / "serving.toml").read_bytes() == serving_before


def test_a_malformed_rejection_is_refused_and_a_repeated_one_recorded_once(workspace):
    cat = workspace / "catalog"
    for bad in ("<-", "recs-api<-", "<-ranker-svc", "Recs API"):
        res = run("discover", "--catalog", str(cat), "--reject", bad)
        assert res.exit_code == 1 and "is not a component id" in res.output, (bad, res.output)
        assert "Traceback" not in res.output
    assert not (cat / "rejected.toml").exists()
    res = run("discover", "--catalog", str(cat), "--reject", "recs-api<-ranker-svc", "--reject", "recs-api <- ranker-svc")
    assert res.exit_code == 0, res.output
    res = run("discover", "--catalog", str(cat), "--reject", "recs-api<-ranker-svc")
    assert res.exit_code == 0, res.output
    assert load_catalog(cat).catalog.rejected_proposals == [
        {"component": "recs-api", "depends_on": "ranker-svc", "rejected_on": load_catalog(cat).catalog
         .rejected_proposals[0]["rejected_on"]}]
