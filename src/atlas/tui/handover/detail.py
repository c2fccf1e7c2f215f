"""One component's readiness, opened with enter from the Handover screen: each rule's
verdict and reason, who to ask, its open issues and its actions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from atlas.handover.issues import IssueReport
from atlas.handover.plan import HandoverPlan
from atlas.handover.whois import who_is
from atlas.tui.handover import text as words


class ReadinessDetail(ModalScreen[str | None]):
    """Dismisses with the component id when the user asks to open the component screen."""

    DEFAULT_CSS = """
    ReadinessDetail { align: center middle; }
    ReadinessDetail > VerticalScroll { width: 96%; max-width: 116; height: 90%; border: thick $accent;
                                       background: $surface; padding: 0 1; }
    ReadinessDetail .section { margin: 1 0 0 0; text-style: bold; color: $accent; }
    ReadinessDetail #detail-keys { margin: 1 0 0 0; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "close", id="handover.detail_close"),
        Binding("enter,o", "open_component", "open component", id="handover.detail_open"),
    ]

    def __init__(self, plan: HandoverPlan, component_id: str, issues: IssueReport | None,
                 issues_loading: bool, issues_failed: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.component_id = component_id
        self.issues = issues
        self.issues_loading = issues_loading
        self.issues_failed = issues_failed

    def compose(self) -> ComposeResult:
        plan, cid = self.plan, self.component_id
        readiness = plan.readiness[cid]
        risk = plan.risk_of(cid)
        title = Text()
        title.append(cid, style="bold")
        title.append(f"  readiness {readiness.score}/100", style=words.score_style(readiness.score))
        title.append(f" · tier {readiness.tier} · {words.stage_of(plan.catalog, cid)}")
        if risk is not None:
            rank = plan.risks.index(risk) + 1
            title.append(f" · risk #{rank} of {len(plan.risks)} ({risk.value:.1f}, "
                         f"{risk.blast_radius} downstream)", style="dim")
        with VerticalScroll():
            yield Static(title, id="detail-title")
            yield Label("Readiness rules", classes="section")
            yield Static(words.rules_text(readiness), id="detail-rules")
            yield Label("Who to ask", classes="section")
            yield Static(words.whois_text(who_is(plan.catalog, cid, plan.today), plan.today), id="detail-whois")
            yield Label("Open issues", classes="section")
            mine = self.issues.by_component.get(cid) if self.issues is not None else None
            if self.issues is not None and mine is None and not self.issues.errors:
                mine = self.issues.for_component(cid)
            yield Static(words.component_issues_text(mine, self.issues_loading, self.issues_failed),
                         id="detail-issues")
            actions = [a for a in plan.actions if cid in (a.components or [a.component])]
            yield Label(f"What to do ({len(actions)})", classes="section")
            text = Text()
            for action in actions:
                text.append(f"{words.PRIORITY_NAMES[action.priority]:<6}", style=words.PRIORITY_STYLE[action.priority])
                text.append(words.action_words(action))
                if action.command:
                    text.append(f"   $ {action.command}", style="cyan")
                text.append("\n")
            text.rstrip()
            yield Static(text or Text("nothing: it is ready to be owned", style="green"), id="detail-actions")
            yield Static(Text.assemble(("enter", "bold"), " open the component · ", ("esc", "bold"), " close"),
                         id="detail-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open_component(self) -> None:
        self.dismiss(self.component_id)
