"""Rollback: remove what a failed apply made (per the journal, or found on GitHub when the
journal is gone), without ever leaving live changes behind a manifest that says draft."""

from __future__ import annotations

from typing import Mapping

from atlas.catalog.model import Repo
from atlas.experiments.apply import Progress, ProgressFn, experiment_label
from atlas.experiments.forge import Forge
from atlas.experiments.forge_pulls import PrInfo
from atlas.experiments.journal import Journal
from atlas.experiments.manifest import Manifest, set_state, update_manifest


def discover_set(manifest: Manifest, repos: Mapping[str, Repo], forge: Forge) -> dict[str, list[PrInfo]]:
    """The experiment's PRs as GitHub knows them (branch `atlas/exp/<id>` and atlas's label or
    body marker), per catalog repo: any machine can resume, roll back or abort without the
    journal that made them."""
    from atlas.experiments.prbody import MARKER

    marker = MARKER.format(id=manifest.id)
    label = experiment_label(manifest.id)
    found: dict[str, list[PrInfo]] = {}
    for repo_id, repo in repos.items():
        prs = [p for p in forge.find_prs(repo.github, manifest.branch)
               if label in p.labels or marker in p.body or p.body.startswith(f"Experiment {manifest.id}: opened by atlas")]
        if prs:
            found[repo_id] = prs
    return found


def rollback(
    manifest: Manifest,
    repos: Mapping[str, Repo],
    forge: Forge,
    journal: Journal,
    progress: ProgressFn | None = None,
) -> list[str]:
    """Close the PRs and delete the branches that atlas's runs created (per the journal, or
    found on GitHub when the journal is gone). Merged PRs are left alone and reported, and
    then the manifest keeps saying so (partially-merged): a rollback never leaves live
    changes behind a manifest that says draft. Returns one line per action."""
    say = progress or (lambda p: None)
    done: list[str] = []
    merged: list[str] = []
    targets: dict[str, str] = {}  # repo id -> github, for the repos to clean
    for repo_id, info in journal.data["repos"].items():
        github = info.get("github") or (repos[repo_id].github if repo_id in repos else "")
        if github and (journal.started(repo_id, "create-pr") or journal.started(repo_id, "create-branch")
                       or journal.started(repo_id, "move-branch")):
            targets[repo_id] = github
    discovered = {}
    if not targets:
        scope = {r: repos[r] for r in repos}
        discovered = discover_set(manifest, scope, forge)
        targets = {r: repos[r].github for r in discovered}
        if discovered:
            done.append(f"no local journal: found the set on GitHub by branch {manifest.branch} and label "
                        f"{experiment_label(manifest.id)}")
    for repo_id, github in targets.items():
        ours = repo_id in discovered or journal.started(repo_id, "create-pr")
        prs = discovered.get(repo_id) or (forge.find_prs(github, manifest.branch) if ours else [])
        for pr in prs:
            if pr.merged:
                merged.append(repo_id)
                done.append(f"{github}#{pr.number}: already MERGED, left as is (revert it by hand)")
            elif pr.state == "open":
                with journal.step(repo_id, "close-pr", str(pr.number)):
                    forge.close_pr(github, pr.number)
                done.append(f"{github}#{pr.number}: closed")
                say(Progress(repo_id, "close pull request", "done", pr.url))
        made_branch = (repo_id in discovered or journal.started(repo_id, "create-branch")
                       or journal.started(repo_id, "move-branch"))
        if made_branch and repo_id not in merged:
            with journal.step(repo_id, "delete-branch", manifest.branch):
                deleted = forge.delete_branch(github, manifest.branch)
            if deleted:
                done.append(f"{github}: deleted branch {manifest.branch}")
                say(Progress(repo_id, "delete branch", "done", manifest.branch))
    journal.data["repos"] = {}
    journal.data["steps"] = []
    journal.data["plan"] = {}
    journal.finish_run("rolled-back")
    if manifest.path is not None and manifest.path.exists():
        if merged:
            state = "partially-merged"
            set_state(manifest.path, state)
            manifest.state = state
            done.append(f"!!! {manifest.id}: {', '.join(sorted(set(merged)))} stay(s) merged and live; the manifest "
                        "says partially-merged until the merged change is reverted (then `atlas experiment abort`)")
        else:

            def change(doc) -> None:
                doc["state"] = "draft"
                if "prs" in doc:
                    del doc["prs"]

            update_manifest(manifest.path, change)
            manifest.state, manifest.prs = "draft", {}
    return done
