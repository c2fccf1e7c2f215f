"""Merge gates, reviewer edits that survive a re-apply, and the pull request made by hand."""

from __future__ import annotations

import json

from .conftest import approve_all, run_cli

MID = "exp-ranker-dwell-v2"
BRANCH = f"atlas/exp/{MID}"


def test_merge_with_one_failing_check_run_merges_nothing(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    approve_all(emulator, BRANCH)
    [pr] = [p for p in gh.get_repo("nw-recs/serving").get_pulls(state="open") if p.head.ref == BRANCH]
    gh.get_repo("nw-recs/serving").create_check_run("unit-tests", pr.head.sha, status="completed", conclusion="failure")
    result = run_cli(emulator, catalog_dir, "merge", MID)
    assert result.exit_code == 1
    assert "merge REFUSED" in result.output and "failing checks: unit-tests" in result.output
    assert [r for r in emulator.requests if r.method == "PUT"] == []
    assert 'state = "open"' in (catalog_dir / "experiments" / f"{MID}.toml").read_text()


def test_reapply_keeps_a_reviewers_ticked_box_and_note(emulator, catalog_dir, gh):
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    [pr] = [p for p in gh.get_repo("nw-recs/training").get_pulls(state="open") if p.head.ref == BRANCH]
    box = f"- [ ] nw-recs/training#{pr.number} reviewed"
    assert box in pr.body
    edited = pr.body.replace(box, box.replace("[ ]", "[x]")) + "\nReviewer note: checked the eval gate.\n"
    pr.edit(body=edited)
    # the manifest changes, so re-apply rewrites atlas's section
    path = catalog_dir / "experiments" / f"{MID}.toml"
    path.write_text(path.read_text().replace('hypothesis = "Dwell', 'hypothesis = "Revised: dwell'))
    assert run_cli(emulator, catalog_dir, "apply", MID).exit_code == 0
    body = gh.get_repo("nw-recs/training").get_pull(pr.number).body
    assert "Revised: dwell" in body
    assert box.replace("[ ]", "[x]") in body and "Reviewer note: checked the eval gate." in body
    # only what was checked is ticked
    assert "- [x] serving arm weights sum to 1 (checked by `atlas experiment plan`)" in body


def test_hand_made_serving_pr_check_pr_comment_and_verify(emulator, catalog_dir, gh):
    serving = gh.get_repo("nw-recs/serving")
    f = serving.get_contents("deploy/ranker-svc/experiments.json", ref="main")
    doc = json.loads(f.decoded_content)
    doc["experiments"].append({"key": "exp-by-hand", "status": "running", "hash_attribute": "user_id", "seed": 99,
                               "coverage": 0.1, "arms": [
                                   {"name": "control", "weight": 0.5, "model": {"name": "ranker", "alias": "control"},
                                    "feature_set": "base_v12"},
                                   {"name": "t", "weight": 0.6, "model": {"name": "ranker", "alias": "unregistered"},
                                    "feature_set": "base_v12"}]})
    serving.create_git_ref("refs/heads/hand", f"{serving.get_branch('main').commit.sha}")
    serving.update_file(f.path, "add my experiment", json.dumps(doc, indent=2) + "\n", f.sha, branch="hand")
    pr = serving.create_pull(title="my experiment", body="by hand", head="hand", base="main")
    result = run_cli(emulator, catalog_dir, "check-pr", "serving", str(pr.number))
    assert result.exit_code == 1
    assert "nw-recs/data-pipelines config/features.toml: no entry for exp-by-hand" in result.output
    assert "nw-recs/training pipelines/ranker/variants.yaml: no entry for exp-by-hand" in result.output
    assert "compare/main...atlas/exp/exp-by-hand?expand=1" in result.output
    assert "0.5 + 0.6 = 1.1, must be 1" in result.output
    for _ in range(2):
        assert run_cli(emulator, catalog_dir, "check-pr", "serving", str(pr.number), "--comment", "--status").exit_code == 1
    comments = list(serving.get_issue(pr.number).get_comments())
    assert len(comments) == 1 and "Not complete and consistent yet." in comments[0].body
    statuses = serving.get_commit(pr.head.sha).get_combined_status()
    assert statuses.state == "failure"
    pr.merge()
    verified = run_cli(emulator, catalog_dir, "verify")
    assert verified.exit_code == 1
    assert "carries experiment key exp-by-hand, which no active manifest accounts for" in verified.output


def _hand_pr(gh, github: str, path: str, text: str, branch: str):
    repo = gh.get_repo(github)
    f = repo.get_contents(path, ref="main")
    repo.create_git_ref(f"refs/heads/{branch}", repo.get_branch("main").commit.sha)
    repo.update_file(f.path, "by hand", text, f.sha, branch=branch)
    return repo.create_pull(title=branch, body="by hand", head=branch, base="main")


def test_check_pr_on_a_target_file_that_does_not_parse_says_why(emulator, catalog_dir, gh):
    pr = _hand_pr(gh, "nw-recs/serving", "deploy/ranker-svc/experiments.json", '{"experiments": [ {"key": "x",', "broken")
    result = run_cli(emulator, catalog_dir, "check-pr", "serving", str(pr.number))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert ("nw-recs/serving deploy/ranker-svc/experiments.json at the PR's head: cannot read it: not valid JSON"
            in result.output)


def test_check_pr_on_a_deeply_nested_target_file_is_one_line_not_a_traceback(emulator, catalog_dir, gh):
    deep = '{"a":' * 5000 + "1" + "}" * 5000
    pr = _hand_pr(gh, "nw-recs/serving", "deploy/ranker-svc/experiments.json", deep, "deep")
    result = run_cli(emulator, catalog_dir, "check-pr", "serving", str(pr.number))
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert "cannot read it: nested more than 64 levels deep" in result.output


def test_plan_on_a_yaml_bomb_in_a_target_file_is_one_line(emulator, catalog_dir, gh):
    # the training variants file on main, replaced by a stranger with a "billion laughs"
    repo = gh.get_repo("nw-recs/training")
    f = repo.get_contents("pipelines/ranker/variants.yaml", ref="main")
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9))
    repo.update_file(f.path, "laughs", bomb, f.sha, branch="main")
    result = run_cli(emulator, catalog_dir, "plan", MID)
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert "nw-recs/training pipelines/ranker/variants.yaml: expands to more than" in result.output


def test_check_pr_comment_never_edits_a_comment_someone_else_wrote(emulator, catalog_dir, gh):
    from github import Auth, Github

    from .conftest import REVIEWER_TOKEN

    pr = _hand_pr(gh, "nw-recs/serving", "deploy/ranker-svc/experiments.json",
                  gh.get_repo("nw-recs/serving").get_contents("deploy/ranker-svc/experiments.json", ref="main")
                  .decoded_content.decode().replace('"seed": 8812', '"seed": 8813'), "quoted")
    emulator.add_user("reviewer-ana", REVIEWER_TOKEN)
    ana = Github(auth=Auth.Token(REVIEWER_TOKEN), base_url=emulator.base_url, seconds_between_requests=0,
                 seconds_between_writes=0, retry=None)
    theirs = "Quoting atlas's last run:\n<!-- atlas:check-pr -->\n> it said something\nMy own notes here."
    ana.get_repo("nw-recs/serving").get_issue(pr.number).create_comment(theirs)
    for _ in range(2):
        run_cli(emulator, catalog_dir, "check-pr", "serving", str(pr.number), "--comment")
    comments = list(gh.get_repo("nw-recs/serving").get_issue(pr.number).get_comments())
    assert [c.user.login for c in comments] == ["reviewer-ana", "atlas-bot"]
    assert comments[0].body == theirs


def test_check_pr_passes_a_change_that_touches_no_experiment_entry_and_flags_a_hand_removal(emulator, catalog_dir, gh):
    path = "deploy/ranker-svc/experiments.json"
    main = gh.get_repo("nw-recs/serving").get_contents(path, ref="main").decoded_content.decode()
    bump = _hand_pr(gh, "nw-recs/serving", path, main.replace('"version": 3', '"version": 4'), "bump")
    result = run_cli(emulator, catalog_dir, "check-pr", "serving", str(bump.number), "--status")
    assert result.exit_code == 0, result.output  # a required check must not block an unrelated edit
    assert "Nothing for atlas to check." in result.output
    sha = gh.get_repo("nw-recs/serving").get_pull(bump.number).head.sha
    assert gh.get_repo("nw-recs/serving").get_commit(sha).get_combined_status().state == "success"
    doc = json.loads(main)
    doc["experiments"] = [e for e in doc["experiments"] if e["key"] != "aa-ranker-control-2026q4"]
    removal = _hand_pr(gh, "nw-recs/serving", path, json.dumps(doc, indent=2) + "\n", "drop-aa")
    result = run_cli(emulator, catalog_dir, "check-pr", "serving", str(removal.number))
    assert result.exit_code == 1
    assert "removes experiment entry aa-ranker-control-2026q4 by hand" in result.output
