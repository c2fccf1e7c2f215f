"""Lint: the gaps a loadable catalog can still have. Mostly warnings: they show what to fix
during a handover, they do not stop anyone (errors come from the loader, and from the
metric rules in `atlas.catalog.metric_lint`: a query Google would refuse).

Knowledge held by one person only is the handover view's business, not lint's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from atlas.catalog.locate import with_lines
from atlas.catalog.model import KINDS, PLACEHOLDER, Catalog, Component, SignalTemplate, unfilled_placeholders
from atlas.catalog.problems import Problem

if TYPE_CHECKING:  # the graph module imports networkx; lint only needs its answers
    from atlas.graph import CatalogGraph

_BUILTIN = {"id", "project"}


def _warn(code: str, message: str, comp: Component | None, field: str = "", hint: str = "",
          entity: str = "", file=None) -> Problem:
    if comp is not None:
        entity, file = f"component {comp.id}", comp.source
    return Problem("warning", code, message, file, entity, field, hint)


def _needed_labels(signal: SignalTemplate) -> set[str]:
    needed = set(signal.resource_labels)
    # every field that is filled per component: a placeholder left unfilled is a query
    # that matches nothing, shown as "no data" instead of a gap in the catalog
    for text in (signal.log_filter, signal.metric_type, *map(str, signal.metric_labels.values())):
        needed.update(PLACEHOLDER.findall(text))
    return needed - _BUILTIN


def lint(catalog: Catalog, graph: "CatalogGraph") -> list[Problem]:
    out: list[Problem] = []
    teams = catalog.teams
    orphans = set(graph.orphans()) if len(catalog.components) > 1 else set()
    label_cache: dict[str, set[str]] = {}
    for comp in sorted(catalog.components.values(), key=lambda c: (str(c.source), c.id)):
        if not comp.owner:
            out.append(_warn("no-owner", "no owner: nobody is paged when it breaks", comp, "owner",
                             "set owner to a team id"))
        if not comp.system:
            out.append(_warn("no-system", "not part of any system", comp, "system"))
        if not comp.runbook:
            out.append(_warn("no-runbook", "no runbook", comp, "runbook",
                             f"write runbooks/{comp.id}.md and set runbook to it"))
        signals = catalog.signals_for(comp)
        if not signals and comp.kind in KINDS:  # a bad kind is already a loader error
            out.append(_warn("no-signals", f"no health signals for kind {comp.kind}", comp, "signals",
                             "add a [[signal]] for this kind or list signals explicitly"))
        for signal in signals:
            needed = label_cache.get(signal.id)
            if needed is None:
                needed = label_cache[signal.id] = _needed_labels(signal)
            missing = sorted(n for n in needed if n not in comp.labels)
            if missing:
                out.append(_warn("missing-label", f"signal {signal.id} needs label {', '.join(missing)}",
                                 comp, "labels"))
        for what, text in (("log filter", catalog.log_filter_for(comp)), ("deploy filter", catalog.deploy_filter_for(comp))):
            unfilled = unfilled_placeholders(text)
            if unfilled:
                out.append(_warn("unfilled-placeholder", f"{what} placeholder {', '.join('{' + u + '}' for u in unfilled)} "
                                 "has no value: the query would match nothing", comp, "labels",
                                 f"add {', '.join(unfilled)} under [component.labels]"))
        if comp.id in orphans:
            out.append(_warn("orphan", "no dependencies and nothing depends on it", comp, "depends_on"))
    owners = {c.owner for c in catalog.components.values()} | {s.owner for s in catalog.systems.values()}
    for team in sorted(teams.values(), key=lambda t: t.id):
        if not team.oncall and team.id in owners:
            out.append(_warn("no-oncall", "owns components but has no on-call reference", None, "oncall",
                             hint='set oncall = "pagerduty:SCHEDULE" or a URL',
                             entity=f"team {team.id}", file=team.source))
    # (a catalog with nothing at all already has the loader's "no *.toml files" warning)
    if not catalog.components and (catalog.teams or catalog.systems or catalog.signals or catalog.projects):
        out.append(Problem("warning", "no-components", "the catalog has no components: health, triage and the "
                           "graph will be empty", None, "", "", "add [[component]] tables; see docs/catalog-format.md"))
    for signal in sorted(catalog.signals.values(), key=lambda s: s.id):
        inverted = _inverted(signal.direction, signal.warn, signal.crit)
        if inverted:
            out.append(Problem("warning", "thresholds-inverted", inverted, signal.source, f"signal {signal.id}",
                               "crit", "swap warn and crit"))
    for comp in sorted(catalog.components.values(), key=lambda c: (str(c.source), c.id)):
        for sid, override in sorted(comp.signal_overrides.items()):
            base = catalog.signals.get(sid)
            if base is None or not isinstance(override, dict):
                continue
            inverted = _inverted(base.direction, override.get("warn", base.warn), override.get("crit", base.crit))
            if inverted:
                out.append(_warn("thresholds-inverted", inverted, comp, f"signal_overrides.{sid}.crit",
                                 "swap warn and crit"))
    from atlas.catalog import metric_lint  # the metric table's rules (aligner vs metric kind)

    out += metric_lint.check(catalog)
    return with_lines(out)


def _inverted(direction: str, warn, crit) -> str:
    """Why warn and crit are the wrong way round for the direction ("" when they are fine):
    CRIT would fire before WARN, so the warning never shows."""
    if not isinstance(warn, (int, float)) or not isinstance(crit, (int, float)):
        return ""
    if direction == "below" and warn < crit:
        return f"warn {warn:g} is below crit {crit:g}: for a 'below' signal CRIT would fire before WARN"
    if direction != "below" and warn > crit:
        return f"warn {warn:g} is above crit {crit:g}: CRIT would fire before WARN"
    return ""
