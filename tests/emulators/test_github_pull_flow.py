"""The experiment wizard's path through GitHub, driven by real PyGithub over loopback.

Branch, one commit for many files (git data API), draft PR, body edit, ready for review,
merge guarded by the head sha, and the default branch showing the change afterwards.
"""

from __future__ import annotations

import pytest
from github import GithubException, InputGitTreeElement

FEATURES = "config/features.toml"


def commit_files(repo, branch: str, files: dict[str, str], message: str = "exp: edit", base="main"):
    """One commit touching many files on a new branch, the way the wizard writes it."""
    head = repo.get_branch(base).commit.sha
    base_commit = repo.get_git_commit(head)
    elements = [InputGitTreeElement(path, "100644", "blob", sha=repo.create_git_blob(text, "utf-8").sha)
                for path, text in files.items()]
    tree = repo.create_git_tree(elements, base_tree=base_commit.tree)
    commit = repo.create_git_commit(message, tree, [base_commit])
    repo.create_git_ref(f"refs/heads/{branch}", commit.sha)
    return commit


def enable_dwell_v2(text: str) -> str:
    return text.replace("[features.user_dwell_time_v2_7d]", "[features.user_dwell_time_v2_7d]", 1).replace(
        'enabled = false\nproducer = "clickstream-sessionizer"',
        'enabled = true\nexperiment = "exp-ranker-dwell-v2"\nproducer = "clickstream-sessionizer"', 1)


def test_wizard_flow_draft_pr_then_ready_then_guarded_merge_updates_main(gh, emu):
    repo = gh.get_repo("nw-recs/data-pipelines")
    before = repo.get_contents(FEATURES, ref="main").decoded_content.decode()
    after = enable_dwell_v2(before)
    assert after != before
    commit = commit_files(repo, "exp/ranker-dwell-v2", {FEATURES: after, "docs/exp-ranker-dwell-v2.md": "# exp\n"})

    pr = repo.create_pull(base="main", head="exp/ranker-dwell-v2", title="exp-ranker-dwell-v2: enable feature",
                          body="draft", draft=True)
    assert pr.draft is True and pr.head.sha == commit.sha and pr.mergeable_state == "draft"
    assert pr.html_url == f"{emu.origin}/nw-recs/data-pipelines/pull/{pr.number}"
    assert {f.filename: f.status for f in pr.get_files()} == {FEATURES: "modified",
                                                              "docs/exp-ranker-dwell-v2.md": "added"}
    patch = next(f.patch for f in pr.get_files() if f.filename == FEATURES)
    assert "+enabled = true" in patch and "-enabled = false" in patch

    pr.edit(body="Depends-On: nw-recs/training#1\n- [ ] merged together")
    pr.mark_ready_for_review()
    assert pr.draft is False
    fresh = repo.get_pull(pr.number)
    assert fresh.draft is False and fresh.body.startswith("Depends-On:") and fresh.mergeable_state == "clean"

    result = fresh.merge(sha=commit.sha, merge_method="merge", commit_title="Merge exp-ranker-dwell-v2")
    assert result.merged is True
    main = repo.get_branch("main").commit
    assert main.sha == result.sha and [p.sha for p in main.parents][1] == commit.sha
    assert repo.get_contents(FEATURES, ref="main").decoded_content.decode() == after
    merged = repo.get_pull(pr.number)
    assert merged.merged and merged.state == "closed" and merged.merge_commit_sha == result.sha
    # the files stay visible after the merge, as on GitHub
    assert len(list(merged.get_files())) == 2
    assert emu.read_file("nw-recs/data-pipelines", FEATURES).decode() == after


def test_merge_is_refused_with_409_when_the_head_moved_since_it_was_read(gh, emu):
    repo = gh.get_repo("nw-recs/training")
    first = commit_files(repo, "exp/a", {"pipelines/ranker/variants.yaml": "variants: {}\n"})
    pr = repo.create_pull(base="main", head="exp/a", title="exp a", body="")
    # someone pushes to the branch after the wizard read the head
    moved = repo.create_git_commit("more", repo.get_git_tree(first.tree.sha), [first])
    repo.get_git_ref("heads/exp/a").edit(moved.sha)

    with pytest.raises(GithubException) as err:
        pr.merge(sha=first.sha)
    assert err.value.status == 409 and "Head branch was modified" in err.value.data["message"]
    assert repo.get_branch("main").commit.sha != moved.sha

    assert pr.merge(sha=moved.sha, merge_method="squash").merged
    squashed = repo.get_branch("main").commit
    assert len(squashed.parents) == 1 and squashed.commit.message.startswith("exp a (#")


def test_a_draft_cannot_be_merged_and_can_go_back_to_draft(gh):
    repo = gh.get_repo("nw-recs/serving")
    commit_files(repo, "exp/d", {"deploy/ranker-svc/experiments.json": "{}\n"})
    pr = repo.create_pull(base="main", head="exp/d", title="d", body="", draft=True)
    with pytest.raises(GithubException) as err:
        pr.merge()
    assert err.value.status == 405 and "draft" in err.value.data["message"]
    pr.mark_ready_for_review()
    pr.convert_to_draft()
    assert pr.draft is True and repo.get_pull(pr.number).draft is True


def test_conflicting_prs_show_dirty_and_refuse_to_merge(gh):
    repo = gh.get_repo("nw-recs/serving")
    commit_files(repo, "exp/one", {"README.md": "one\n"})
    commit_files(repo, "exp/two", {"README.md": "two\n"})
    one = repo.create_pull(base="main", head="exp/one", title="one", body="")
    two = repo.create_pull(base="main", head="exp/two", title="two", body="")
    assert one.merge().merged
    two = repo.get_pull(two.number)
    assert two.mergeable is False and two.mergeable_state == "dirty"
    with pytest.raises(GithubException) as err:
        two.merge()
    assert err.value.status == 405


def test_reopening_a_pr_reuses_it_and_duplicates_are_refused(gh):
    repo = gh.get_repo("nw-recs/training")
    commit_files(repo, "exp/dup", {"x.txt": "x\n"})
    pr = repo.create_pull(base="main", head="exp/dup", title="dup", body="")
    with pytest.raises(GithubException) as err:
        repo.create_pull(base="main", head="exp/dup", title="dup again", body="")
    assert err.value.status == 422
    assert err.value.data["errors"][0]["message"] == "A pull request already exists for nw-recs:exp/dup."
    pr.edit(state="closed")
    assert repo.get_pull(pr.number).state == "closed"
    pr.edit(state="open")
    assert repo.get_pull(pr.number).state == "open"


def test_a_pr_without_commits_or_branch_is_a_validation_error(gh):
    repo = gh.get_repo("nw-recs/training")
    repo.create_git_ref("refs/heads/empty", repo.get_branch("main").commit.sha)
    with pytest.raises(GithubException) as err:
        repo.create_pull(base="main", head="empty", title="nothing", body="")
    assert err.value.status == 422 and "No commits between main and empty" in str(err.value.data)
    with pytest.raises(GithubException) as err:
        repo.create_pull(base="main", head="does-not-exist", title="x", body="")
    assert err.value.status == 422 and err.value.data["errors"][0]["field"] == "head"


def test_deleting_the_head_branch_closes_its_open_pr_like_github(gh, emu):
    repo = gh.get_repo("nw-recs/serving")
    commit_files(repo, "exp/abort", {"a.txt": "a\n"})
    pr = repo.create_pull(base="main", head="exp/abort", title="abort me", body="", draft=True)
    repo.get_git_ref("heads/exp/abort").delete()
    assert repo.get_pull(pr.number).state == "closed"
    assert "refs/heads/exp/abort" not in emu.state()["repos"]["nw-recs/serving"]["refs"]
    with pytest.raises(GithubException) as err:
        repo.get_git_ref("heads/exp/abort")
    assert err.value.status == 404


def test_ref_updates_must_fast_forward_unless_forced(gh):
    repo = gh.get_repo("nw-recs/training")
    a = commit_files(repo, "exp/ff", {"a.txt": "a\n"})
    b = commit_files(repo, "exp/other", {"b.txt": "b\n"})
    ref = repo.get_git_ref("heads/exp/ff")
    with pytest.raises(GithubException) as err:
        ref.edit(b.sha)
    assert err.value.status == 422 and err.value.data["message"] == "Update is not a fast forward"
    ref.edit(b.sha, force=True)
    assert repo.get_branch("exp/ff").commit.sha == b.sha != a.sha
    with pytest.raises(GithubException) as err:
        repo.create_git_ref("refs/heads/exp/ff", a.sha)
    assert err.value.data["message"] == "Reference already exists"


def test_tree_entries_with_null_sha_delete_files(gh):
    repo = gh.get_repo("nw-recs/serving")
    base = repo.get_git_commit(repo.get_branch("main").commit.sha)
    tree = repo.create_git_tree([InputGitTreeElement("README.md", "100644", "blob", sha=None)], base.tree)
    paths = {e.path for e in repo.get_git_tree(tree.sha, recursive=True).tree}
    assert "README.md" not in paths and "deploy/ranker-svc/experiments.json" in paths


def test_contents_api_creates_updates_and_deletes_one_file_per_commit(gh):
    repo = gh.get_repo("nw-recs/data-pipelines")
    created = repo.create_file("notes/handover.md", "add notes", "# Notes\n", branch="main")
    assert created["content"].path == "notes/handover.md"
    stale = created["content"].sha
    updated = repo.update_file("notes/handover.md", "edit notes", "# Notes v2\n", stale, branch="main")
    assert repo.get_contents("notes/handover.md").decoded_content == b"# Notes v2\n"
    with pytest.raises(GithubException) as err:  # a writer holding the old sha loses
        repo.update_file("notes/handover.md", "late edit", "# late\n", stale, branch="main")
    assert err.value.status == 409
    repo.delete_file("notes/handover.md", "drop notes", updated["content"].sha, branch="main")
    with pytest.raises(GithubException) as err:
        repo.get_contents("notes/handover.md")
    assert err.value.status == 404
    listing = {c.path for c in repo.get_contents("config")}
    assert listing == {"config/features.toml"}


def test_contents_at_a_branch_and_at_a_commit_sha(gh):
    repo = gh.get_repo("nw-recs/data-pipelines")
    original = repo.get_branch("main").commit.sha
    commit_files(repo, "exp/c", {FEATURES: "changed = true\n"})
    assert repo.get_contents(FEATURES, ref="exp/c").decoded_content == b"changed = true\n"
    assert repo.get_contents(FEATURES, ref=original).decoded_content.startswith(b"# Feature flags")
    comparison = repo.compare("main", "exp/c")
    assert comparison.ahead_by == 1 and comparison.behind_by == 0 and comparison.status == "ahead"
    assert [f.filename for f in comparison.files] == [FEATURES]


def test_linking_siblings_labels_comments_and_cleanup_after_merge(gh):
    repo = gh.get_repo("nw-recs/serving")
    commit_files(repo, "exp/link", {"deploy/ranker-svc/experiments.json": '{"experiments": []}\n'})
    pr = repo.create_pull(base="main", head="exp/link", title="link", body="")
    pr.add_to_labels("experiment", "exp:exp-ranker-dwell-v2")
    pr.create_issue_comment("Siblings: nw-recs/data-pipelines#7, nw-recs/training#7")
    assert [x.name for x in repo.get_pull(pr.number).labels] == ["experiment", "exp:exp-ranker-dwell-v2"]
    assert [c.body for c in pr.get_issue_comments()][0].startswith("Siblings:")
    assert [c.commit.message for c in pr.get_commits()] == ["exp: edit"]
    assert not pr.is_merged()
    pr.merge(sha=pr.head.sha)
    assert pr.is_merged()
    pr.delete_branch()
    assert "exp/link" not in [b.name for b in repo.get_branches()]
    history = repo.get_commits(sha="main", path="deploy/ranker-svc/experiments.json")
    assert [c.commit.message.splitlines()[0] for c in history][:2] == [
        f"Merge pull request #{pr.number} from nw-recs/exp/link", "exp: edit"]


def test_rebase_merge_replays_each_commit_on_main(gh):
    repo = gh.get_repo("nw-recs/training")
    first = commit_files(repo, "exp/r", {"a.txt": "a\n"}, message="first")
    tree = repo.create_git_tree([InputGitTreeElement("b.txt", "100644", "blob", content="b\n")], first.tree)
    second = repo.create_git_commit("second", tree, [first])
    repo.get_git_ref("heads/exp/r").edit(second.sha)
    commit_files(repo, "other", {"c.txt": "c\n"}, message="other")
    other = repo.create_pull(base="main", head="other", title="other", body="")
    other.merge()  # main moved on, so the rebase really replays
    pr = repo.create_pull(base="main", head="exp/r", title="rebase me", body="")
    pr.merge(merge_method="rebase")
    log = [c.commit.message.splitlines()[0] for c in repo.get_commits(sha="main")][:3]
    assert log == ["second", "first", "Merge pull request #" + str(other.number) + " from nw-recs/other"]
    tip = repo.get_branch("main").commit
    assert len(tip.parents) == 1
    assert {c.path for c in repo.get_contents("")} >= {"a.txt", "b.txt", "c.txt"}
