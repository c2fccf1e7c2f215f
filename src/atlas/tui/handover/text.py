"""The handover plan in words: readiness bars, risk rows, rule verdicts, who to ask, issues
and actions, as Rich text. Pure: takes core objects, returns Text; no widgets, no I/O."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from rich.text import Text

from atlas.catalog.model import STAGES, Catalog
from atlas.handover.actions import Action
from atlas.handover.issues import ComponentIssues, IssueReport
from atlas.handover.plan import HandoverPlan
from atlas.handover.readiness import BUS_FACTOR, SUPPORT_WARNING_DAYS, ComponentReadiness, SystemReadiness
from atlas.handover.whois import Contact, WhoIs

BAR_WIDTH = 20
PRIORITY_NAMES = {1: "Now", 2: "Soon", 3: "Later"}
PRIORITY_STYLE = {1: "bold red", 2: "yellow", 3: "grey62"}
STAGE_SHORT = {"planned": "planned", "shadowing": "shadow", "reverse-shadowing": "reverse", "owned": "owned"}
# The failing rules "in a few words": what a lead scans a row for.
GAP_WORDS = {
    "owner": "no owner",
    "oncall": "on-call",
    "runbook": "runbook",
    "runbook-fresh": "stale rb",
    "signals": "signals",
    "bus-factor": "bus",
    "support-window": "support",
    "stage": "stage",
}


def score_style(score: int) -> str:
    return "green" if score >= 80 else "yellow" if score >= 60 else "bold red"


def bar(score: int, width: int = BAR_WIDTH, style: str | None = None) -> Text:
    """A 0-100 bar; coloured by the score unless `style` says otherwise (progress, not health)."""
    filled = round(width * max(0, min(score, 100)) / 100)
    text = Text("█" * filled, style=style or score_style(score))
    text.append("░" * (width - filled), style="grey35")
    return text


def stage_of(catalog: Catalog, component_id: str) -> str:
    """The transition stage; a component with no transfer in progress is owned as is."""
    h = catalog.components[component_id].handover
    if h is None or not (h.previous_owner or h.support_until or h.contact):
        return "owned"
    return h.stage if h.stage in STAGES else STAGES[0]


def stage_counts(catalog: Catalog, component_ids: list[str]) -> Text:
    counts = Counter(stage_of(catalog, cid) for cid in component_ids)
    text = Text()
    for stage in STAGES:
        if counts.get(stage):
            if text:
                text.append(" · ", style="dim")
            text.append(f"{counts[stage]} {STAGE_SHORT[stage]}", style="green" if stage == "owned" else "")
    return text


def summary(plan: HandoverPlan, issues: Text) -> Text:
    """Overall readiness and counts; what is urgent; the issues' state (a line each)."""
    now = sum(1 for a in plan.actions if a.priority == 1)
    text = Text()
    text.append("Readiness ", style="bold")
    text.append(f"{plan.score}/100", style=score_style(plan.score) + " bold")
    text.append(" ")
    text.append_text(bar(plan.score, 12))
    text.append(f" on {plan.today.isoformat()} · {len(plan.readiness)} components, ")
    text.append(f"{len(plan.risks)} with gaps", style="bold" if plan.risks else "green")
    text.append(f" · {len(plan.actions)} actions, ")
    text.append(f"{now} to do now", style="bold red" if now else "green")
    text.append("\n")
    urgent = []
    closing = plan.closing_windows(SUPPORT_WARNING_DAYS)
    if closing:
        urgent.append(Text(f"{len(closing)} support windows close within {SUPPORT_WARNING_DAYS} days", style="red"))
    thin = plan.single_person()
    if thin:
        urgent.append(Text(f"{len(thin)} known by one person or nobody", style="yellow"))
    if urgent:
        text.append_text(Text(" · ").join(urgent))
        text.append("\n")
    text.append_text(issues)
    return text


def system_line(system: SystemReadiness, plan: HandoverPlan, name_width: int) -> Text:
    text = Text()
    text.append(f"{system.name:<{name_width}} ", style="bold")
    text.append_text(bar(system.score, 12))
    text.append(f" {system.score:>3}", style=score_style(system.score) + " bold")
    text.append(f"  {len(system.components):>3} comps  ")
    stages = stage_counts(plan.catalog, system.components)
    stages.pad_right(max(1, 44 - len(stages)))
    text.append_text(stages)
    weakest = plan.readiness.get(system.weakest)
    if weakest is not None and weakest.score < 100:
        text.append("worst ", style="dim")
        text.append(f"{system.weakest} {weakest.score}", style=score_style(weakest.score))
    return text


def issues_state(report: IssueReport | None, loading: bool, failed: str = "") -> Text:
    if failed:
        return Text(f"issues unavailable: {failed.removesuffix(': issues skipped')}", style="dark_orange")
    if loading or report is None:
        return Text("issues: loading…", style="italic dim")
    if report.skipped:
        return Text(f"issues: {report.skipped}", style="dim")
    if not report.repos:
        return Text("issues: no repos with a GitHub name in the catalog", style="dim")
    bugs = sum(len(c.bugs) for c in report.by_component.values())
    improvements = sum(len(c.improvements) for c in report.by_component.values())
    text = Text(f"issues: {bugs} bugs, {improvements} improvements open")
    if report.errors:
        more = f" (+{len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        text.append(f" · {report.errors[0]}{more}", style="dark_orange")
    return text


# ---- the risk table's cells ------------------------------------------------------------


def support_cell(plan: HandoverPlan, component_id: str) -> Text:
    h = plan.catalog.components[component_id].handover
    if h is None or h.support_until is None:
        return Text("-", style="dim")
    days = (h.support_until - plan.today).days
    style = "bold red" if days < SUPPORT_WARNING_DAYS else ""
    left = f"{days} d" if days >= 0 else f"ended {-days} d ago"
    return Text(f"{h.support_until.isoformat()} {left}", style=style)


def why_cell(risk, width: int) -> Text:
    """What makes it hurt, in a few words: "tier 1; 27 downstream; failing now (CRIT)"."""
    if risk is None:
        return Text("ready", style="green")
    text = Text()
    for i, factor in enumerate(risk.factors or ["tier 3, nothing downstream"]):
        # the table's words are shorter than the plan's: "27 down", "support 18 d", "CRIT now"
        if factor.startswith("support ends in "):
            factor = "support " + factor[len("support ends in "):]
        elif factor.startswith("failing now ("):
            factor = factor[len("failing now ("):].rstrip(")") + " now"
        factor = factor.replace(" downstream", " down")
        if i:
            text.append(" · ", style="dim")
        style = "bold red" if factor.endswith(" now") else "red" if factor.startswith("support") else ""
        text.append(factor, style=style)
    text.truncate(width, overflow="ellipsis")
    return text


def bus_cell(readiness: ComponentReadiness) -> Text:
    n = len(readiness.debuggers)
    return Text(f"{n}/{BUS_FACTOR}", style="green" if n >= BUS_FACTOR else "yellow" if n else "bold red")


def gaps_cell(readiness: ComponentReadiness, limit: int = 2) -> Text:
    """The failing rules that cost the most points, in a word each, `+n` for the rest."""
    failed = sorted(readiness.failed, key=lambda r: -(r.weight - r.earned))
    if not failed:
        return Text("ready", style="green")
    text = Text(", ".join(GAP_WORDS.get(r.id, r.id) for r in failed[:limit]))
    if len(failed) > limit:
        text.append(f" +{len(failed) - limit}", style="dim")
    return text


def issues_cell(issues: ComponentIssues | None, loading: bool) -> Text:
    if issues is None:
        return Text("…" if loading else "-", style="dim")
    if not issues.total:
        return Text("0", style="dim")
    text = Text()
    if issues.bugs:
        text.append(f"{len(issues.bugs)} bug{'s' if len(issues.bugs) > 1 else ''}", style="red")
    rest = len(issues.improvements) + len(issues.other)
    if rest:
        text.append(f"{' ' if issues.bugs else ''}+{rest}", style="dim")
    return text


# ---- one component's detail ------------------------------------------------------------


def rules_text(readiness: ComponentReadiness) -> Text:
    text = Text()
    width = max(len(r.title) for r in readiness.rules)
    for rule in readiness.rules:
        mark, style = ("✔", "green") if rule.passed else ("✖", "bold red")
        text.append(f"{mark} ", style=style)
        text.append(f"{rule.title:<{width}}", style="bold" if not rule.passed else "")
        points = f"{rule.earned:g}/{rule.weight}".rjust(6)
        text.append(f" {points}  ", style="dim")
        text.append(f"{rule.reason}\n", style="" if rule.passed else "italic")
    text.rstrip()
    return text


def _contact(c: Contact) -> str:
    name = f"{c.name} ({c.id})" if c.name else c.id
    extra = ", ".join(x for x in (c.team, c.chat) if x)
    return f"{name}{' · ' + extra if extra else ''}"


def whois_text(who: WhoIs, today: dt.date) -> Text:
    text = Text()
    if who.owner:
        text.append("owner     ", style="bold")
        text.append(f"{who.owner_name or who.owner} ({who.owner})")
        if who.owner_chat:
            text.append(f" · {who.owner_chat}")
        text.append(f" · on-call {who.owner_oncall}" if who.owner_oncall else " · on-call not routed",
                    style="" if who.owner_oncall else "red")
        text.append("\n")
    else:
        text.append("owner     nobody\n", style="bold red")
    if who.previous_owner:
        text.append("previous  ", style="bold")
        text.append(f"{who.previous_owner} · stage {who.stage}")
        if who.support_until is not None:
            days = who.support_days_left or 0
            window = (f" · supports until {who.support_until.isoformat()} ({days} days left)" if days >= 0
                      else f" · support ended {who.support_until.isoformat()}")
            text.append(window, style="bold red" if days < SUPPORT_WARNING_DAYS else "")
        text.append("\n")
    if who.contact:
        text.append("ask       ", style="bold")
        text.append(f"{_contact(who.contact)}\n")
    text.append("knows it  ", style="bold")
    if not who.people:
        text.append("nobody recorded\n", style="red")
    for i, person in enumerate(who.people):
        pad = "" if i == 0 else " " * 10
        text.append(f"{pad}{person.level:<12}", style="green" if person.level in ("can-debug", "expert") else "")
        text.append(f"{_contact(person)}\n")
    text.rstrip()
    return text


def component_issues_text(issues: ComponentIssues | None, loading: bool, failed: str = "") -> Text:
    if failed and issues is None:
        return Text(f"unavailable: {failed}", style="dark_orange")
    if issues is None:
        return Text("loading…" if loading else "none open", style="italic dim" if loading else "dim")
    if not issues.total:
        return Text("none open", style="dim")
    text = Text()
    for kind, rows, style in (("bug", issues.bugs, "red"), ("improvement", issues.improvements, "cyan"),
                              ("other", issues.other, "")):
        for issue in rows:
            text.append(f"{kind:<12}", style=style)
            text.append(f"{issue.repo}#{issue.number}  ", style="dim")
            text.append(f"{issue.title}\n")
    text.rstrip()
    return text


def action_words(action: Action) -> str:
    """The action's sentence without the trailing command (shown on its own line)."""
    tail = f": {action.command}"
    return action.text[: -len(tail)] if action.command and action.text.endswith(tail) else action.text


def action_prompt(action: Action) -> Text:
    """Two lines: what to do; then when it is due, which team, and the command that starts it."""
    text = Text("  ")
    text.append(action_words(action))
    text.append("\n    ")
    if action.due is not None and action.days_left is not None:
        left = f"{action.days_left} days left" if action.days_left >= 0 else f"{-action.days_left} days overdue"
        text.append(f"due {action.due.isoformat()} ({left})", style="bold red" if action.days_left < 30 else "")
        text.append(" · ", style="dim")
    text.append(action.owner or "no team", style="dim")
    if action.command:
        text.append(" · ", style="dim")
        text.append(f"$ {action.command}", style="cyan")
    return text


def priority_heading(priority: int, count: int) -> Text:
    return Text(f"{PRIORITY_NAMES.get(priority, 'Later')} ({count})", style=PRIORITY_STYLE.get(priority, "") + " bold")
