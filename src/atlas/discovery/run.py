"""Run every artifact source over a set of repos, then apply the rules that need them all.

Each source works file by file and records a bad file as one note, so one broken artifact
never stops the others. The cross-source rules:
- a dead-letter topic is plumbing, not a component: the subscriptions on it become
  `mode = "dead_letter"` subscriptions that depend on the subscription whose poison
  messages they hold (the catalog's model);
- the DAGs of a repo whose Terraform declares exactly one Composer environment run in it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from atlas.discovery import airflow, codeowners, githistory, k8s, kfp, terraform
from atlas.discovery.files import RepoFiles
from atlas.discovery.model import Evidence, Findings
from atlas.discovery.yamldocs import load_documents


def discover_repos(repos: Iterable[RepoFiles], *, now: float | None = None) -> Findings:
    now = time.time() if now is None else now
    findings = Findings()
    repos = list(repos)
    for repo in repos:
        findings.repos[repo.name] = repo.origin
        findings.notes.extend(repo.notes)
        docs = {}
        for file in repo.with_suffix(".yaml", ".yml"):
            documents = load_documents(file, findings.notes)
            if documents:
                docs[file] = documents
        for source in (lambda: kfp.discover(repo, findings, docs), lambda: k8s.discover(repo, findings, docs),
                       lambda: airflow.discover(repo, findings), lambda: terraform.discover(repo, findings)):
            try:
                source()
            except Exception as exc:  # a source bug must not hide the other sources' findings
                findings.note(f"{repo.name}: a discovery source failed: {type(exc).__name__}: {exc}")
        _composer_dags(repo, findings)
    fold_dead_letters(findings)
    for repo in repos:  # after every component is known: owners and knowledge by path
        codeowners.discover(repo, findings)
        githistory.discover(repo, findings, now)
    return findings


def _composer_dags(repo: RepoFiles, findings: Findings) -> None:
    envs = [c for c in findings.components.values() if c.kind == "composer_environment" and c.repo == repo.name]
    if len(envs) != 1:
        return
    env = envs[0]
    for dag in [c for c in findings.components.values() if c.kind == "composer_dag" and c.repo == repo.name]:
        dag.labels.setdefault("environment_name", env.id)
        findings.add_edge(env.id, dag.id, Evidence(
            "airflow", f"{repo.name}/{dag.path}", f"a DAG of {repo.name}, whose only Composer environment is {env.id} "
                                                   f"({env.evidence[0].where if env.evidence else ''})"))


def fold_dead_letters(findings: Findings) -> None:
    """Idempotent: run again after live sources added their subscriptions."""
    comps = findings.components
    for (up, down), edge in list(findings.edges.items()):
        src, topic = comps.get(up), comps.get(down)
        if not (src and topic and src.kind == "pubsub_subscription" and topic.kind == "pubsub_topic"):
            continue
        for (t_up, sub_id), sub_edge in list(findings.edges.items()):
            sub = comps.get(sub_id)
            if t_up != topic.id or not sub or sub.kind != "pubsub_subscription":
                continue
            sub.mode = "dead_letter"
            for ev in edge.evidence + sub_edge.evidence:
                findings.add_edge(src.id, sub.id, ev)
            del findings.edges[(t_up, sub_id)]
        findings.edges.pop((up, down), None)
        findings.dead_letter_topics.add(topic.id)
        if not any(topic.id in key for key in findings.edges):
            del comps[topic.id]
