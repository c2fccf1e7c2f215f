"""Everything the catalog knows about one component, as data (for --json and the TUI) and
as an aligned text card (for `atlas show`)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from atlas.catalog.model import Catalog, Component, SignalTemplate

_OVERRIDABLE = ("warn", "crit", "metric_type", "resource_type", "aligner", "reducer", "alignment_period",
                "window", "stale_after", "direction", "log_filter")


def effective_signal(signal: SignalTemplate, comp: Component) -> dict[str, Any]:
    """The signal as it applies to this component: template plus the component's overrides."""
    out: dict[str, Any] = {
        "id": signal.id,
        "name": signal.name,
        "type": signal.type,
        "metric_type": signal.metric_type,
        "direction": signal.direction,
        "warn": signal.warn,
        "crit": signal.crit,
        "unit": signal.unit,
        "window": signal.window,
        "log_filter": signal.log_filter,
    }
    override = comp.signal_overrides.get(signal.id) or {}
    for key in _OVERRIDABLE:
        if key in override:
            out[key] = override[key]
    out["overridden"] = sorted(k for k in override if k in _OVERRIDABLE)
    return out


def _rel(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def component_facts(catalog: Catalog, graph: Any, cid: str, today: _dt.date | None = None) -> dict[str, Any]:
    """JSON-able facts about component `cid` (which must exist)."""
    comp = catalog.components[cid]
    today = today or _dt.date.today()
    team = catalog.teams.get(comp.owner)
    system = catalog.systems.get(comp.system)
    repo = catalog.repos.get(comp.repo)
    runbook_path = catalog.runbook_path(comp)
    handover = None
    if comp.handover is not None:
        h = comp.handover
        handover = {
            "previous_owner": h.previous_owner,
            "stage": h.stage,
            "support_until": h.support_until.isoformat() if h.support_until else None,
            "support_days_left": (h.support_until - today).days if h.support_until else None,
            "contact": h.contact,
            "knowledge": dict(h.knowledge),
        }
    return {
        "id": comp.id,
        "kind": comp.kind,
        "mode": comp.mode,
        "description": comp.description,
        "tier": comp.tier,
        "schedule": comp.schedule,
        "tags": list(comp.tags),
        "system": {"id": comp.system, "name": system.name if system else ""} if comp.system else None,
        "owner": {
            "id": comp.owner,
            "name": team.name if team else "",
            "chat": team.chat if team else "",
            "oncall": team.oncall if team else "",
        } if comp.owner else None,
        "handover": handover,
        "repo": {"id": repo.id, "github": repo.github, "url": repo.url, "default_branch": repo.default_branch}
        if repo else None,
        "project": comp.project,
        "runbook": {"path": comp.runbook, "exists": bool(runbook_path and runbook_path.is_file())}
        if comp.runbook else None,
        "upstream": sorted(graph.upstream(cid, depth=1)),
        "downstream": sorted(graph.downstream(cid, depth=1)),
        "signals": [effective_signal(s, comp) for s in catalog.signals_for(comp)],
        "labels": dict(comp.labels),
        "log_filter": catalog.log_filter_for(comp),
        "links": dict(comp.links),
        "source": _rel(comp.source, catalog.workspace),
    }


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _threshold(sig: dict[str, Any]) -> str:
    op = ">" if sig["direction"] == "above" else "<"
    unit = f" {sig['unit']}" if sig["unit"] else ""
    parts = []
    if sig["warn"] is not None:
        parts.append(f"warn {op} {_num(sig['warn'])}{unit}")
    if sig["crit"] is not None:
        parts.append(f"crit {op} {_num(sig['crit'])}{unit}")
    return ", ".join(parts) or "no thresholds"


def render_component(facts: dict[str, Any]) -> str:
    """The text card: one fact per line, labels aligned."""
    rows: list[tuple[str, str]] = []
    add = rows.append
    kind = facts["kind"] + (f" ({facts['mode']})" if facts["mode"] else "")
    add(("kind", kind))
    if facts["system"]:
        s = facts["system"]
        add(("system", s["id"] + (f" ({s['name']})" if s["name"] else "")))
    if facts["owner"]:
        o = facts["owner"]
        text = o["id"] + (f" ({o['name']})" if o["name"] else "")
        extras = [f"chat {o['chat']}" if o["chat"] else "", f"on-call {o['oncall']}" if o["oncall"] else "on-call: none"]
        add(("owner", "  ".join([text] + [e for e in extras if e])))
    else:
        add(("owner", "none"))
    h = facts["handover"]
    if h:
        add(("previous owner", h["previous_owner"] or "-"))
        add(("stage", h["stage"]))
        if h["support_until"]:
            left = h["support_days_left"]
            when = f"{left} days left" if left >= 0 else f"ended {-left} days ago"
            add(("support until", f"{h['support_until']} ({when})"))
        if h["contact"]:
            add(("contact", h["contact"]))
        if h["knowledge"]:
            add(("knowledge", ", ".join(f"{p} {lvl}" for p, lvl in sorted(h["knowledge"].items()))))
    if facts["repo"]:
        r = facts["repo"]
        add(("repo", f"{r['id']}  {r['github']}  {r['url']}"))
    add(("project", facts["project"] or "-"))
    if facts["runbook"]:
        rb = facts["runbook"]
        add(("runbook", rb["path"] + ("" if rb["exists"] else "  (file missing)")))
    else:
        add(("runbook", "none"))
    if facts["schedule"]:
        add(("schedule", facts["schedule"]))
    add(("tier", str(facts["tier"])))
    add(("upstream", ", ".join(facts["upstream"]) or "-"))
    add(("downstream", ", ".join(facts["downstream"]) or "-"))
    if facts["signals"]:
        width = max(len(s["id"]) for s in facts["signals"])
        limits = [_threshold(s) + (" (overridden)" if s["overridden"] else "") for s in facts["signals"]]
        lwidth = max(len(text) for text in limits)
        for i, sig in enumerate(facts["signals"]):
            what = sig["metric_type"] or sig["log_filter"] or sig["type"]
            add(("signals" if i == 0 else "", f"{sig['id']:<{width}}  {limits[i]:<{lwidth}}  {what}"))
    else:
        add(("signals", "none"))
    if facts["labels"]:
        add(("labels", ", ".join(f"{k}={v}" for k, v in sorted(facts["labels"].items()))))
    add(("log filter", facts["log_filter"] or "-"))
    for name, url in sorted(facts["links"].items()):
        add((f"link {name}", url))
    if facts["source"]:
        add(("source", facts["source"]))

    width = max(len(label) for label, _ in rows)
    lines = [facts["id"]]
    if facts["description"]:
        lines.append(f"  {facts['description']}")
    lines.append("")
    lines.extend(f"  {label:<{width}}  {value}".rstrip() for label, value in rows)
    return "\n".join(lines) + "\n"
