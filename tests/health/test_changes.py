"""What changed before a cause: merged pull requests read through PyGithub from the GitHub
emulator over loopback, PRs seeded by merging them at chosen moments of the emulator's clock;
and `atlas triage --json` carrying since, changes and the checked path end to end."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlas.catalog.model import Repo
from atlas.cli import cli
from atlas.graph import CatalogGraph
from atlas.health.changes import ChangeReader, attach_changes, experiment_pulls
from atlas.health.model import ComponentHealth, Status
from atlas.health.report import triage_text
from atlas.health.triage import triage
from tests.helpers import component, write_catalog

from .builders import NOW, job, lag_signal, make_catalog
from .live import start_emulator

SEED = Path(__file__).resolve().parents[2] / "scenarios" / "repos"
TOKEN = "ghp_changesTESTtoken0123456789abcdef"
REPO = "nw-recs/data-pipelines"
H = 3600.0


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def github():
    from atlas.emulators.github import GitHubEmulator, load_seed

    clock = Clock(NOW - 48 * H)
    emu = GitHubEmulator(load_seed(SEED), token=TOKEN, clock=clock)
    emu.start()
    yield emu, clock
    emu.stop()


def forge_for(base_url: str, **kw):
    from atlas.experiments.forge import Forge
    from atlas.experiments.token import Secret

    return Forge(Secret(TOKEN, "test"), base_url, backoff=0.01, secondary_rate_wait=0.01, **kw)


def merge(forge, clock, at: float, branch: str, path: str, title: str) -> int:
    """A PR changing `path`, opened and merged at `at` on the emulator's clock."""
    clock.t = at
    base = forge.head_sha(REPO, "main")
    sha = forge.commit_files(REPO, base, {path: f"# {title}\n"}, title)
    forge.create_branch(REPO, branch, sha)
    pr = forge.create_pr(REPO, title=title, body="", head=branch, base="main", draft=False)
    forge.merge_pr(REPO, pr.number, sha, title)
    return pr.number


def catalog_with_repo():
    cat = make_catalog([job("sessionizer", repo="data-pipelines", code_path="dataflow/sessionizer"),
                        job("events", depends_on=["sessionizer"], repo="data-pipelines"),
                        job("lonely")], [lag_signal()])
    cat.repos = {"data-pipelines": Repo("data-pipelines", REPO)}
    return cat


def test_prs_merged_before_the_onset_are_found_under_the_code_path(github):
    emu, clock = github
    forge = forge_for(emu.base_url)
    onset = NOW - 3 * H
    old = merge(forge, clock, onset - 30 * H, "old", "dataflow/sessionizer/a.py", "last month's tweak")
    window = merge(forge, clock, onset - 40 * 60, "window", "dataflow/sessionizer/window.py", "bump sessionizer window")
    docs = merge(forge, clock, onset - 20 * 60, "docs", "README.md", "docs: typo")
    merge(forge, clock, onset + 10 * 60, "after", "dataflow/sessionizer/b.py", "after the onset")
    # an onset is known to within minutes (alignment period, ingestion delay): a merge 2 min
    # "after" it is a suspect, not left out
    deploy = merge(forge, clock, onset + 2 * 60, "deploy", "dataflow/sessionizer/c.py", "roll out the new sink")
    clock.t = NOW

    cat = catalog_with_repo()
    reader = ChangeReader(cat, forge, experiments={(REPO, window): "exp-ranker-dwell-v2"})
    found, note, scope = reader.changes("sessionizer", onset, NOW)
    assert note == "" and scope == f"{REPO} under dataflow/sessionizer/, 24 h before onset"
    assert [(c.number, c.title, c.author, c.experiment) for c in found] == [
        (deploy, "roll out the new sink", "atlas-bot", ""),
        (window, "bump sessionizer window", "atlas-bot", "exp-ranker-dwell-v2")]
    assert found[1].merged_at == pytest.approx(onset - 40 * 60, abs=1)
    # without a code path, every PR of the repo in the window, newest first
    everything, _, _ = reader.changes("events", onset, NOW)
    assert [c.number for c in everything] == [deploy, docs, window]
    assert old not in [c.number for c in everything]

    # under a cause in the triage text, with how long before the onset
    snapshot = {"sessionizer": ComponentHealth("sessionizer", Status.CRIT, "job failed", since=onset),
                "events": ComponentHealth("events", Status.WARN, "no rows", since=onset + 600),
                "lonely": ComponentHealth("lonely", Status.WARN, "lag", since=NOW - 600)}
    items = triage(cat, CatalogGraph(cat), snapshot)
    attach_changes(items, reader, NOW)
    text = triage_text(items, now=NOW)
    assert (f"changed before: PR #{window} 'bump sessionizer window' merged 40 min before onset, by atlas-bot "
            f"({REPO}) [experiment exp-ranker-dwell-v2, opened by atlas]") in text
    assert f"PR #{deploy} 'roll out the new sink' merged 2 min after onset (within its uncertainty)" in text
    assert "changes: unknown (no repo in the catalog for this component)" in text  # lonely


def test_github_unreachable_leaves_changes_unknown_not_empty():
    from atlas.experiments.errors import ForgeError

    forge = forge_for("http://127.0.0.1:9/api/v3", retries=0)
    reader = ChangeReader(catalog_with_repo(), forge, expected=(ForgeError,))
    found, note, _ = reader.changes("sessionizer", NOW - H, NOW)
    assert found == []
    assert "connection to 127.0.0.1:9 failed" in note


def test_experiment_pulls_come_from_the_manifests_prs(tmp_path):
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "exp-a.toml").write_text(
        'id = "exp-a"\nstate = "merged"\n[prs.serving]\ngithub = "nw-recs/serving"\nnumber = 7\nurl = "u"\n')
    (tmp_path / "experiments" / "broken.toml").write_text("id = [\n")
    assert experiment_pulls(tmp_path) == {("nw-recs/serving", 7): "exp-a"}


SIGNALS = [
    {"id": "dataflow-system-lag", "name": "system_lag", "kinds": ["dataflow_job"], "type": "metric",
     "metric_type": "dataflow.googleapis.com/job/system_lag", "resource_type": "dataflow_job",
     "resource_labels": ["job_name"], "aligner": "ALIGN_MAX", "reducer": "REDUCE_MAX", "window": 900,
     "unit": "s", "warn": 60, "crit": 300},
]


def test_triage_json_carries_since_changes_and_the_path_with_its_checks(tmp_path):
    from atlas.emulators.github import GitHubEmulator, load_seed

    gcp = start_emulator(tmp_path, now=time.time)
    clock = Clock(time.time() - 5 * 3600)
    seed = load_seed(SEED)
    seed.pulls.clear()  # the demo's seeded PRs (pulls.toml) would fall in this window too: only this test's own
    emu = GitHubEmulator(seed, token=TOKEN, clock=clock)
    emu.start()
    try:
        # merged before j-crit's series begins (and so before any onset health can see);
        # a PR merged after the onset could not have caused it and is left out
        number = merge(forge_for(emu.base_url), clock, time.time() - 5 * 3600, "fix", "jobs/j-crit.py", "j-crit: new sink")
        merge(forge_for(emu.base_url), clock, time.time() - 60, "later", "jobs/later.py", "after the onset")
        clock.t = time.time()
        comps = [component(c, kind="dataflow_job", system="pipes", owner="data-eng", project="proj-a",
                           labels={"job_name": c}, repo="data-pipelines", **kw)
                 for c, kw in (("j-ok", {}), ("j-crit", {"depends_on": ["j-ok"]}),
                               ("j-stale", {"depends_on": ["j-crit"]}))]
        catalog_dir = write_catalog(tmp_path, comps, signals=SIGNALS,
                                    repos=[{"id": "data-pipelines", "github": REPO}])
        env = {"MONITORING_EMULATOR_HOST": gcp.address, "LOGGING_EMULATOR_HOST": gcp.address,
               "GITHUB_API_URL": emu.base_url, "GITHUB_TOKEN": TOKEN, "GH_TOKEN": ""}
        result = CliRunner().invoke(cli, ["triage", "--catalog", str(catalog_dir), "--json"], env=env)
    finally:
        emu.stop()
        gcp.stop()
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["at"].endswith("Z") and data["unexplained"] == []
    (cause,) = data["causes"]
    assert cause["component"] == "j-crit" and "since" in cause
    assert cause["changes_note"] is None  # the lookup ran
    assert [(c["kind"], c["number"], c["title"], c["repo"]) for c in cause["changes"]] == [
        ("pull_request", number, "j-crit: new sink", REPO)]
    assert cause["changes"][0]["merged_at"].endswith("Z")
    (symptom,) = cause["symptoms"]
    assert symptom["component"] == "j-stale" and "since" in symptom and symptom["cause"] == "j-crit"
    assert symptom["path"] == [{"from": "j-crit", "to": "j-stale", "checks": {
        "follows_graph": "pass", "node_deviates": "pass",
        "upstream_onset_first": symptom["path"][0]["checks"]["upstream_onset_first"]}, "relation": "depends_on"}]
    assert symptom["path"][0]["checks"]["upstream_onset_first"] in ("pass", "unknown")
    assert TOKEN not in result.output


def test_the_triage_benchmark_attaches_changes_with_the_products_tolerance():
    # the benchmark kept its own window (onset - 24 h .. onset) and so dropped the deploy
    # merged two minutes after the onset that `atlas triage` lists as a suspect
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_triage import synthetic_changes

    onset = NOW - 3600
    times = [onset - 25 * 3600, onset - 600, onset + 120, onset + 900]
    assert [c.merged_at for c in synthetic_changes(times, onset, NOW)] == [onset - 600, onset + 120]
