"""Step 5 of the wizard (and `a` on the experiments screen): apply the experiment. One
branch, one commit and one pull request per repo, cross-linked, in a worker; each step
streams into the log as it happens; the pull requests are listed at the end, each openable.
Re-running is safe: apply reconciles with what GitHub already has."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, RichLog, Static

from atlas.tui.wizard.backend import ExperimentsBackend, error_line
from atlas.tui.wizard.draft import WizardDraft
from atlas.tui.wizard.plan_view import PullList
from atlas.tui.wizard.step import WizardStep

STATUS_STYLE = {"start": "dim", "done": "green", "skip": "cyan"}


class ApplyProgress(Message):
    def __init__(self, progress) -> None:
        super().__init__()
        self.progress = progress


class ApplyFinished(Message):
    def __init__(self, result, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


def progress_line(p) -> Text:
    text = Text()
    text.append(f"{p.repo:<16} ", style="bold")
    text.append(f"{p.step:<18} ")
    text.append(f"{p.status:<6} ", style=STATUS_STYLE.get(p.status, ""))
    text.append(p.detail, style="dim")
    return text


class SubmitStep(WizardStep):
    STEP = 5
    NEXT_LABEL = "Done"
    HELP = "Opening the experiment's pull requests: progress per repo, then the links (enter or o opens one)."
    DEFAULT_CSS = WizardStep.DEFAULT_CSS + """
    SubmitStep #apply-log { height: auto; max-height: 16; border: round $panel-lighten-2; padding: 0 1; }
    SubmitStep #apply-result { height: auto; margin: 1 0 0 0; }
    SubmitStep.-standalone #wizard-steps { display: none; }
    """
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("ctrl+n", "next", "done", id="wizard.next"),
        Binding("o", "open_pr", "open PR", id="experiments.open_pr"),
        Binding("ctrl+r", "retry", "retry", id="experiments.retry_apply"),
    ]

    def __init__(self, backend: ExperimentsBackend, experiment_id: str, draft: WizardDraft | None = None) -> None:
        super().__init__(backend, draft)
        self.experiment_id = experiment_id
        self.TITLE = f"Experiments · applying {experiment_id}"
        self.running = False
        self.result = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wizard-body"):
            yield Static(f"{self.experiment_id}: one branch, one commit and one pull request per repo, in data "
                         "order; then every description lists the whole set.", classes="step-intro")
            yield RichLog(id="apply-log", wrap=False, markup=False, auto_scroll=True)
            yield Static("", id="apply-result")
            yield PullList(id="apply-prs")

    def on_mount(self) -> None:
        super().on_mount()
        self.set_class(self.draft is None, "-standalone")
        self.query_one("#wizard-back", Button).label = "Close (esc)"
        self._start()

    def _start(self) -> None:
        self.running = True
        self.refresh_bindings()
        self.query_one("#wizard-next", Button).disabled = True
        self.query_one("#apply-result", Static).update(Text("applying…", style="italic"))
        self._apply()

    @work(thread=True, exclusive=True, group="apply")
    def _apply(self) -> None:
        try:
            result = self.backend.apply(self.experiment_id, lambda p: self.post_message(ApplyProgress(p)))
        except Exception as exc:
            self.post_message(ApplyFinished(None, error_line(exc)))
        else:
            self.post_message(ApplyFinished(result))

    def on_apply_progress(self, message: ApplyProgress) -> None:
        self.query_one(RichLog).write(progress_line(message.progress))

    def on_apply_finished(self, message: ApplyFinished) -> None:
        self.running = False
        self.result = message.result
        self.refresh_bindings()
        self.query_one("#wizard-next", Button).disabled = False
        out = self.query_one("#apply-result", Static)
        if message.result is None:
            out.update(Text.assemble(("✗ apply failed: ", "bold red"), (message.error, "red"),
                                     ("\nnothing is lost: ctrl+r retries and resumes from the journal; "
                                      "`atlas experiment apply --rollback` removes what was made", "dim")))
            return
        prs = message.result.prs
        head = "already applied, nothing changed" if message.result.no_op else (
            f"✓ {len(prs)} pull request{'s' if len(prs) != 1 else ''} open, cross-linked, ready for review")
        out.update(Text(head + "   (enter or o opens the highlighted one)", style="bold green"))
        pulls = self.query_one(PullList)
        pulls.set_prs([(repo, pr.number, pr.display_state, pr.url) for repo, pr in prs.items()])
        pulls.focus()

    def action_open_pr(self) -> None:
        self.query_one(PullList).action_open_pr()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_pr":
            return self.result is not None and bool(self.result.prs)
        if action == "retry":
            return not self.running and self.result is None
        return True

    def action_retry(self) -> None:
        if self.running:
            self.notify("apply is still running")
            return
        self.query_one(RichLog).write(Text("— again —", style="dim"))
        self._start()

    def action_back(self) -> None:
        if self.running:
            self.notify("apply is running; it stops at a safe point only when done", severity="warning")
            return
        self.action_next()

    def action_next(self) -> None:
        """Done: back to the experiments list (which reloads on resume)."""
        if self.running:
            self.notify("apply is still running")
            return
        app = self.app
        while len(app.screen_stack) > 1 and isinstance(app.screen, WizardStep):
            app.pop_screen()
