"""The experiment end to end against the GitHub emulator, with the real PyGithub:
plan, apply, re-apply, status, merge, verify, abort."""

from __future__ import annotations

import re

from atlas.experiments.edits import load_document

from .conftest import FILES, SAMPLE_MANIFEST, approve_all, run_cli, writes_since
from .test_edits import changed_lines, only_insertions

MID = "exp-ranker-dwell-v2"
BRANCH = f"atlas/exp/{MID}"


def manifest_file(catalog):
    return catalog / "experiments" / SAMPLE_MANIFEST.name


def text(emu, repo, ref=None):
    raw = emu.read_file(f"nw-recs/{repo}", FILES[repo], ref)
    return raw.decode() if raw is not None else None


def open_prs(gh, repo):
    return [p for p in gh.get_repo(f"nw-recs/{repo}").get_pulls(state="open") if p.head.ref == BRANCH]


def test_plan_shows_three_correct_diffs_and_writes_nothing(emulator, catalog_dir):
    before = manifest_file(catalog_dir).read_text()
    result = run_cli(emulator, catalog_dir, "plan", MID)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("\n== nw-recs/") == 3
    assert "-enabled = false\n+enabled = true" in out
    assert '+experiment = "exp-ranker-dwell-v2"' in out
    assert "+  dwell-v2:\n+    register_as: {model: ranker, alias: exp-dwell-v2}" in out
    assert '+      "key": "exp-ranker-dwell-v2",' in out
    assert "FAIL" not in out
    assert writes_since(emulator, 0) == []
    assert manifest_file(catalog_dir).read_text() == before


def test_apply_opens_three_cross_linked_ready_prs(emulator, catalog_dir, gh):
    bases = {r: text(emulator, r) for r in FILES}
    result = run_cli(emulator, catalog_dir, "apply", MID)
    assert result.exit_code == 0, result.output
    urls = {}
    for repo in FILES:
        [pr] = open_prs(gh, repo)
        assert not pr.draft
        assert {label.name for label in pr.labels} == {"experiment", f"exp:{MID}"}
        urls[repo] = pr.html_url
    # every body lists the whole set and depends on what is upstream in data order
    for i, repo in enumerate(FILES):
        [pr] = open_prs(gh, repo)
        body = pr.body
        for other in urls.values():
            assert other in body
        depends = re.findall(r"^Depends-On: (\S+)$", body, re.M)
        assert depends == [urls[r] for r in list(FILES)[:i]]
        assert "Hypothesis:" in body and "- [ ]" in body
    # the branches differ from base only in the experiment's entries, comments intact
    pipeline_removed, pipeline_added = changed_lines(bases["data-pipelines"], text(emulator, "data-pipelines", BRANCH))
    assert pipeline_removed == ["enabled = false"]
    assert pipeline_added == ["enabled = true", f'experiment = "{MID}"']
    for repo in ("training", "serving"):
        after = text(emulator, repo, BRANCH)
        assert only_insertions(bases[repo], after)
        assert MID in after
    assert load_document("yaml", text(emulator, "training", BRANCH))["variants"]["dwell-v2"]["register_as"] == {
        "model": "ranker", "alias": "exp-dwell-v2"}
    # the manifest records the set
    recorded = manifest_file(catalog_dir).read_text()
    assert 'state = "open"' in recorded
    for url in urls.values():
        assert url in recorded
    assert "# exp-ranker-dwell-v2: does dwell time" in recorded  # comments kept


def test_second_apply_changes_nothing(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    manifest_before = manifest_file(catalog_dir).read_text()
    start = len(emulator.requests)
    again = run_cli(emulator, catalog_dir, "apply", MID)
    assert again.exit_code == 0, again.output
    assert "already applied, nothing changed" in again.output
    assert writes_since(emulator, start) == []
    assert manifest_file(catalog_dir).read_text() == manifest_before
    for repo in FILES:
        assert len(list(gh.get_repo(f"nw-recs/{repo}").get_pulls(state="all", head=f"nw-recs:{BRANCH}"))) == 1


def test_verify_passes_after_all_three_merge_and_fails_when_only_two_do(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    ok = run_cli(emulator, catalog_dir, "verify")
    assert ok.exit_code == 0, ok.output  # open and merged nowhere yet: consistent
    for repo in ("data-pipelines", "training"):  # merged by hand, serving forgotten
        [pr] = open_prs(gh, repo)
        pr.merge()
    two = run_cli(emulator, catalog_dir, "verify", "--json")
    assert two.exit_code == 1
    assert '"ok": false' in two.output
    assert "missing in nw-recs/serving deploy/ranker-svc/experiments.json" in two.output
    [pr] = open_prs(gh, "serving")
    pr.merge()
    three = run_cli(emulator, catalog_dir, "verify")
    assert three.exit_code == 0, three.output
    assert f"ok   {MID} (open)" in three.output


def test_status_is_loud_when_partially_merged(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    status = run_cli(emulator, catalog_dir, "status", MID)
    assert status.exit_code == 0 and "PARTIALLY" not in status.output
    assert status.output.count(" open ") == 3
    [pr] = open_prs(gh, "data-pipelines")
    pr.merge()
    split = run_cli(emulator, catalog_dir, "status", MID)
    assert split.exit_code == 1
    assert split.output.startswith("!!! PARTIALLY MERGED !!!")
    assert "merged: data-pipelines; NOT merged: training, serving" in split.output
    assert 'state = "partially-merged"' in manifest_file(catalog_dir).read_text()


def test_merge_goes_in_data_order_and_then_verify_passes(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    merged = run_cli(emulator, catalog_dir, "merge", MID)
    assert merged.exit_code == 0, merged.output
    assert merged.output.splitlines() == [
        "data-pipelines: merged", "training: merged", "serving: merged", f"{MID}: all pull requests merged"]
    puts = [r.path for r in emulator.requests if r.method == "PUT"]
    assert [p.split("/")[5] for p in puts] == ["data-pipelines", "training", "serving"]
    assert 'state = "merged"' in manifest_file(catalog_dir).read_text()
    assert "\nmerged_at = 20" in manifest_file(catalog_dir).read_text()  # the watch counts from it
    assert load_document("json", text(emulator, "serving"))["experiments"][-1]["key"] == MID
    verified = run_cli(emulator, catalog_dir, "verify")
    assert verified.exit_code == 0, verified.output


def test_merge_refuses_the_whole_set_when_a_head_moved(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    repo = gh.get_repo("nw-recs/training")
    repo.create_file("NOTES.md", "sneaky change", "hello", branch=BRANCH)
    result = run_cli(emulator, catalog_dir, "merge", MID)
    assert result.exit_code == 1
    assert "merge REFUSED: 1 gate(s) not met; nothing was merged" in result.output
    assert "nw-recs/training#" in result.output and "head moved since apply" in result.output
    assert open_prs(gh, "data-pipelines") and open_prs(gh, "training") and open_prs(gh, "serving")


def test_abort_closes_prs_and_deletes_branches(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    result = run_cli(emulator, catalog_dir, "abort", MID)
    assert result.exit_code == 0, result.output
    for repo in FILES:
        r = gh.get_repo(f"nw-recs/{repo}")
        assert open_prs(gh, repo) == []
        assert BRANCH not in [b.name for b in r.get_branches()]
    assert 'state = "aborted"' in manifest_file(catalog_dir).read_text()


def test_apply_refuses_when_a_base_moved_since_plan(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "plan", MID).exit_code == 0
    gh.get_repo("nw-recs/serving").create_file("OWNERS", "someone else merged", "x", branch="main")
    start = len(emulator.requests)
    result = run_cli(emulator, catalog_dir, "apply", MID)
    assert result.exit_code == 1
    assert "nw-recs/serving: main moved since plan" in result.output
    assert writes_since(emulator, start) == []


def test_verify_catches_the_hand_made_pr_that_forgot_serving(emulator, catalog_dir, gh):
    # someone did the pipeline and training changes by hand and the manifest says open
    m = manifest_file(catalog_dir)
    m.write_text(m.read_text().replace('state = "draft"', 'state = "open"'))
    applied = run_cli(emulator, catalog_dir, "apply", MID)
    assert applied.exit_code == 0, applied.output
    for repo in ("data-pipelines", "training"):
        [pr] = open_prs(gh, repo)
        pr.merge()
    [pr] = open_prs(gh, "serving")
    pr.edit(state="closed")
    result = run_cli(emulator, catalog_dir, "verify")
    assert result.exit_code == 1
    assert "is only partly on the default branches" in result.output


def test_reapply_after_a_partial_merge_keeps_the_whole_set(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    [pr] = open_prs(gh, "data-pipelines")
    pr.merge()
    start = len(emulator.requests)
    again = run_cli(emulator, catalog_dir, "apply", MID)
    assert again.exit_code == 0, again.output
    assert [r for r in writes_since(emulator, start) if "/pulls" in r.path and r.method == "POST"] == []
    recorded = manifest_file(catalog_dir).read_text()
    assert 'state = "partially-merged"' in recorded
    assert recorded.count("[prs.") == 3


def test_reapply_never_overwrites_a_reviewers_commit_on_the_branch(emulator, catalog_dir, gh):
    # a reviewer fixes the variants file on the experiment branch; a re-run of apply must
    # not force-push it away: it stops and says whose branch moved
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    repo = gh.get_repo("nw-recs/training")
    current = repo.get_contents(FILES["training"], ref=BRANCH)
    repo.update_file(FILES["training"], "reviewer fix", text(emulator, "training", BRANCH) + "# reviewed\n",
                     current.sha, branch=BRANCH)
    head = repo.get_branch(BRANCH).commit.sha
    start = len(emulator.requests)
    again = run_cli(emulator, catalog_dir, "apply", MID)
    assert again.exit_code == 1
    assert "nw-recs/training: branch atlas/exp/exp-ranker-dwell-v2 has commits atlas did not make" in again.stderr
    assert repo.get_branch(BRANCH).commit.sha == head
    assert [r for r in writes_since(emulator, start) if "training" in r.path] == []


def test_status_after_abort_shows_closed_prs_without_a_pending_review(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    assert run_cli(emulator, catalog_dir, "abort", MID).exit_code == 0
    result = run_cli(emulator, catalog_dir, "status", MID)
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert len(rows) == 3 and all(" closed " in r and "pending review" not in r for r in rows)


def test_abort_after_one_merge_keeps_the_set_active_so_verify_fails_until_reverted(emulator, catalog_dir, gh):
    # the pipeline flag is live; aborting must not let CI forget the half-deployed change
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    [pr] = open_prs(gh, "data-pipelines")
    before = text(emulator, "data-pipelines")
    pr.merge()
    result = run_cli(emulator, catalog_dir, "abort", MID)
    assert result.exit_code == 1, result.output
    assert f"!!! {MID} is NOT aborted: still live on the default branches:" in result.output
    assert "nw-recs/data-pipelines config/features.toml: features.user_dwell_time_v2_7d" in result.output
    assert 'state = "partially-merged"' in manifest_file(catalog_dir).read_text()
    assert open_prs(gh, "training") == [] and open_prs(gh, "serving") == []
    verify = run_cli(emulator, catalog_dir, "verify")
    assert verify.exit_code == 1
    assert "is only partly on the default branches" in verify.output
    # a person reverts the flag by hand: abort now converges
    repo = gh.get_repo("nw-recs/data-pipelines")
    current = repo.get_contents(FILES["data-pipelines"], ref="main")
    repo.update_file(FILES["data-pipelines"], "Revert the flag", before, current.sha, branch="main")
    again = run_cli(emulator, catalog_dir, "abort", MID)
    assert again.exit_code == 0, again.output
    assert "reverted on the default branch since: nothing left live" in again.output
    assert 'state = "aborted"' in manifest_file(catalog_dir).read_text()
