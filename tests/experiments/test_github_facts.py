"""GitHub as it really is: drafts refused, labels of at most 50 characters, per-repo merge
methods, `gh auth token --hostname`, GitHub App installation tokens; plus the lifecycle on
any machine (the set found from GitHub when the journal is gone) and bounded readiness."""

from __future__ import annotations

import random
import stat

from atlas.experiments.apply import experiment_label, rollback
from atlas.experiments.lifecycle import merge_set
from atlas.experiments.manifest import new_manifest_text
from atlas.experiments.token import gh_hostname, resolve_token
from atlas.experiments.workspace import ExperimentWorkspace

from .conftest import SAMPLE_MANIFEST, TOKEN, approve_all, make_forge, run_cli, write_catalog

MID = "exp-ranker-dwell-v2"
BRANCH = f"atlas/exp/{MID}"


def prs(emu, repo):
    return [p for p in emu.state()["repos"][f"nw-recs/{repo}"]["pulls"] if p["head"] == BRANCH]


def test_drafts_refused_fall_back_to_a_ready_pr(emulator, catalog_dir):
    emulator.configure("nw-recs/training", drafts=False)
    result = run_cli(emulator, catalog_dir, "apply", MID)
    assert result.exit_code == 0, result.output + result.stderr
    assert "drafts not supported" not in result.stderr  # progress shows only done steps
    [pr] = prs(emulator, "training")
    assert pr["state"] == "open" and not pr["draft"]
    statuses = [r.status for r in emulator.requests if r.method == "POST" and r.path.endswith("/training/pulls")]
    assert statuses == [422, 201]


def test_long_experiment_ids_get_labels_within_50_characters(emulator, tmp_path):
    long_id = "exp-ranker-dwell-time-without-background-tabs-v2-2026q4"
    assert len(f"exp:{long_id}") > 50
    label = experiment_label(long_id)
    assert len(label) == 50 and label.startswith("exp:exp-ranker-dwell") and label == experiment_label(long_id)
    catalog = write_catalog(tmp_path, SAMPLE_MANIFEST.read_text().replace(MID, long_id))
    (catalog / "experiments" / f"{MID}.toml").rename(catalog / "experiments" / f"{long_id}.toml")
    result = run_cli(emulator, catalog, "apply", long_id)
    assert result.exit_code == 0, result.output + result.stderr
    pulls = [p for p in emulator.state()["repos"]["nw-recs/serving"]["pulls"] if p["head"] == f"atlas/exp/{long_id}"]
    assert label in pulls[0]["labels"]


def test_a_squash_only_repo_is_merged_with_squash(emulator, catalog_dir):
    emulator.configure("nw-recs/serving", allow_merge_commit=False, allow_rebase_merge=False)
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    result = run_cli(emulator, catalog_dir, "merge", MID)
    assert result.exit_code == 0, result.output + result.stderr
    assert all(p["merged"] for repo in ("data-pipelines", "training", "serving") for p in prs(emulator, repo))


def test_required_reviews_and_checks_of_branch_protection_are_gates(emulator, catalog_dir, gh):
    emulator.configure("nw-recs/training", protect="main", required_checks=["ci"], required_approvals=1)
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    result = run_cli(emulator, catalog_dir, "merge", MID)
    assert result.exit_code == 1 and "blocked by branch protection" in result.output
    assert [r for r in emulator.requests if r.method == "PUT"] == []
    [pr] = [p for p in gh.get_repo("nw-recs/training").get_pulls(state="open") if p.head.ref == BRANCH]
    gh.get_repo("nw-recs/training").get_commit(pr.head.sha).create_status("success", context="ci")
    result = run_cli(emulator, catalog_dir, "merge", MID)
    assert result.exit_code == 0, result.output


def test_gh_is_asked_for_the_api_hosts_token(tmp_path):
    assert gh_hostname("https://api.github.com") == "github.com"
    assert gh_hostname("https://ghe.example.com/api/v3") == "ghe.example.com"
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$1 $2 $3 $4" = "auth token --hostname ghe.example.com" ] && echo gho_enterprise\n')
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    found = resolve_token({"PATH": str(tmp_path)}, "https://ghe.example.com/api/v3")
    assert found is not None and found.value == "gho_enterprise"
    assert resolve_token({"PATH": str(tmp_path)}, "https://api.github.com") is None


def test_a_github_app_installation_token_opens_the_set(emulator, catalog_dir, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    emulator.add_app(4711, public, installation_id=99, slug="atlas-exp")
    keyfile = tmp_path / "app.pem"
    keyfile.write_text(pem)
    env = {"GITHUB_TOKEN": "", "GITHUB_APP_ID": "4711", "GITHUB_APP_INSTALLATION_ID": "99",
           "GITHUB_APP_PRIVATE_KEY_FILE": str(keyfile)}
    result = run_cli(emulator, catalog_dir, "apply", MID, env=env)
    assert result.exit_code == 0, result.output + result.stderr
    assert "PRIVATE KEY" not in result.output + result.stderr
    assert [r.status for r in emulator.requests if "/access_tokens" in r.path][:1] == [201]
    from github import Auth, Github

    gh = Github(auth=Auth.Token(TOKEN), base_url=emulator.base_url, retry=None)
    [pr] = [p for p in gh.get_repo("nw-recs/serving").get_pulls(state="open") if p.head.ref == BRANCH]
    assert pr.user.login == "atlas-exp[bot]"
    # a wrong installation is refused as GitHub does, in one line
    bad = run_cli(emulator, catalog_dir, "status", MID, env={**env, "GITHUB_APP_INSTALLATION_ID": "7"})
    assert bad.exit_code == 1 and "404" in bad.stderr and "PRIVATE KEY" not in bad.stderr


def test_rollback_without_the_journal_finds_the_set_on_github(emulator, catalog_dir):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    ws = ExperimentWorkspace.load(catalog_dir)
    ws.journal(MID).path.unlink()  # another machine: no local journal
    lines = rollback(ws.load_manifest(MID), ws.repos, make_forge(emulator), ws.journal(MID))
    assert lines[0].startswith("no local journal: found the set on GitHub")
    for repo in ("data-pipelines", "training", "serving"):
        assert [p["state"] for p in prs(emulator, repo)] == ["closed"]
        assert f"refs/heads/{BRANCH}" not in emulator.state()["repos"][f"nw-recs/{repo}"]["refs"]
    assert ws.load_manifest(MID).state == "draft"


def test_rollback_of_a_partly_merged_set_never_says_draft(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    [pr] = [p for p in gh.get_repo("nw-recs/data-pipelines").get_pulls(state="open") if p.head.ref == BRANCH]
    pr.merge()
    result = run_cli(emulator, catalog_dir, "apply", MID, "--rollback")
    assert result.exit_code == 1
    assert "already MERGED, left as is" in result.output and "manifest state partially-merged" in result.output
    verify = run_cli(emulator, catalog_dir, "verify")
    assert verify.exit_code == 1  # the live flag is not forgotten


def test_status_refreshes_the_sibling_table(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    [pr] = [p for p in gh.get_repo("nw-recs/data-pipelines").get_pulls(state="open") if p.head.ref == BRANCH]
    pr.merge()
    run_cli(emulator, catalog_dir, "status", MID)
    [serving] = [p for p in gh.get_repo("nw-recs/serving").get_pulls(state="open") if p.head.ref == BRANCH]
    row = next(line for line in serving.body.splitlines() if f"[#{pr.number}]" in line and "data-pipelines" in line)
    assert row.endswith("| merged |")


def test_merge_waits_a_bounded_time_for_declared_readiness(emulator, tmp_path, gh):
    templates = (ROOT_TEMPLATES := SAMPLE_MANIFEST.parents[1] / "experiment-templates.toml").read_text()
    templates = templates.replace('name = "training"\ntitle = "add training variant"',
                                  'name = "training"\ntitle = "add training variant"\n'
                                  'wait_for = { check = "model-registered", timeout_s = 30, interval_s = 10 }')
    assert ROOT_TEMPLATES.exists()
    ws = ExperimentWorkspace.load(write_catalog(tmp_path, templates_text=templates))
    forge = make_forge(emulator)
    from atlas.experiments.apply import apply_experiment

    m = ws.load_manifest(MID)
    apply_experiment(m, ws.templates["ranker"], ws.repos, forge, ws.journal(MID))
    approve_all(emulator, BRANCH)
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    report = merge_set(ws.load_manifest(MID), ws.templates["ranker"], forge, clock=lambda: now[0], sleep=sleep)
    assert report.merged == ["data-pipelines", "training"] and report.not_merged == ["serving"]
    assert "readiness check model-registered not green on main after 30s (not reported)" in report.failure
    assert slept == [10.0, 10.0, 10.0]
    # the registry reports the alias: merge resumes and finishes
    main = gh.get_repo("nw-recs/training").get_branch("main").commit.sha
    gh.get_repo("nw-recs/training").get_commit(main).create_status("success", context="model-registered")
    report = merge_set(ws.load_manifest(MID), ws.templates["ranker"], forge, clock=lambda: now[0], sleep=sleep)
    assert report.merged == ["serving"] and not report.failure


def test_new_manifests_draw_their_own_hash_seed(templates):
    a = new_manifest_text(templates["ranker"], "exp-a", rng=random.Random(1))
    b = new_manifest_text(templates["ranker"], "exp-b", rng=random.Random(2))
    seed = [line for line in a.splitlines() if line.startswith("seed =")]
    assert seed and seed != [line for line in b.splitlines() if line.startswith("seed =")]
    assert "seed = 1 " not in a


def test_verify_names_the_field_and_both_values(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    assert run_cli(emulator, catalog_dir, "merge", MID).exit_code == 0
    repo = gh.get_repo("nw-recs/serving")
    f = repo.get_contents("deploy/ranker-svc/experiments.json", ref="main")
    repo.update_file(f.path, "tweak", f.decoded_content.decode().replace('"coverage": 0.2', '"coverage": 0.3'),
                     f.sha, branch="main")
    result = run_cli(emulator, catalog_dir, "verify")
    assert result.exit_code == 1
    assert "experiments[key=exp-ranker-dwell-v2].coverage: default branch has 0.3, manifest says 0.2" in result.output


def test_pacing_follows_the_mapping_given_never_the_process_environment(monkeypatch):
    from atlas.experiments.forge import open_forge

    remote = {"GITHUB_TOKEN": "ghp_pacingTEST0123456789abcdef", "GITHUB_API_URL": "https://ghe.example.com/api/v3"}
    monkeypatch.setenv("ATLAS_GITHUB_PACING", "0")  # the process says off; the mapping does not
    assert open_forge(env=remote).pacing is True
    monkeypatch.delenv("ATLAS_GITHUB_PACING")
    assert open_forge(env={**remote, "ATLAS_GITHUB_PACING": "0"}).pacing is False
    assert open_forge(env={**remote, "GITHUB_API_URL": "http://127.0.0.1:9/api/v3"}).pacing is False  # loopback
