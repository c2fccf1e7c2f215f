"""A proposed component as a tomlkit [[component]] table, and an evidence comment.

Shared by --write (merge), --init and --format toml, so the three write the same thing.
"""

from __future__ import annotations

from atlas.discovery.compare import ComponentProposal, EdgeProposal

MAX_COMMENT = 110


def evidence_comment(edge: EdgeProposal) -> str:
    ev = edge.evidence[0] if edge.evidence else None
    text = f"discovered: {ev}" if ev else "discovered"
    return text if len(text) <= MAX_COMMENT else text[: MAX_COMMENT - 1] + "…"


def depends_array(edges: list[EdgeProposal], existing=None):
    """A multi-line depends_on: the existing entries as they were, then one line per new
    edge with the evidence as its comment."""
    import tomlkit

    arr = existing if existing is not None else tomlkit.array()
    multiline = existing is not None and "\n" in existing.as_string()
    if not multiline:
        old = [str(v) for v in arr]
        arr.clear()
        for value in old:
            arr.add_line(value, indent="    ")
    for edge in edges:
        arr.add_line(edge.upstream, indent="    ", comment=evidence_comment(edge))
    if not multiline:
        arr.add_line(indent="")
    return arr


def component_table(prop: ComponentProposal, edges: list[EdgeProposal], *, system: str, owner: str,
                    system_project: str = "", projects=()):
    """The [[component]] table for a proposal; what a person must still decide is left out
    (runbook, tier, handover) and the guessed owner carries a comment saying so."""
    import tomlkit

    f = prop.finding
    t = tomlkit.table()
    t.add("id", prop.id)
    t.add("kind", f.kind)
    if f.mode:
        t.add("mode", f.mode)
    if system:
        t.add("system", system)
    if owner:
        t.add("owner", owner)
        t["owner"].comment("from CODEOWNERS: confirm")
    if edges:
        t.add("depends_on", depends_array(edges))
    if prop.repo:
        t.add("repo", prop.repo)
    if f.project and f.project != system_project and f.project in projects:
        t.add("project", f.project)
    if f.schedule and f.kind in ("composer_dag", "kubeflow_recurring_run", "k8s_cronjob", "dataproc_job"):
        t.add("schedule", f.schedule)
    where = f.evidence[0] if f.evidence else None
    t.add("description", f"Discovered from {where}" if where else "Discovered")
    if f.labels:
        labels = tomlkit.table()
        for key, value in sorted(f.labels.items()):
            labels.add(key, value)
        t.add("labels", labels)
    return t
