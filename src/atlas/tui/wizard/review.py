"""Step 4 of the wizard, and the details/plan view of an existing experiment.

In the wizard this is where the manifest is first written (state draft). Then, in a
worker: the pull requests' states (when the experiment has some) and the plan against each
repo's default branch: the checks, and one collapsible diff per repo. Submit stays disabled
while anything fails, and is hidden in read-only mode."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Collapsible, Static

from atlas.tui.wizard.backend import ExperimentsBackend, error_line
from atlas.tui.wizard.draft import WizardDraft
from atlas.tui.wizard.plan_view import PullList, checks_text, diff_counts, diff_text, status_text, summary_text
from atlas.tui.wizard.step import WizardStep


class ManifestReady(Message):
    def __init__(self, manifest, written: bool) -> None:
        super().__init__()
        self.manifest = manifest
        self.written = written


class StatusReady(Message):
    def __init__(self, status, error: str = "") -> None:
        super().__init__()
        self.status = status
        self.error = error


class PlanReady(Message):
    def __init__(self, plan, error: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.error = error


class PlanScreen(WizardStep):
    """Review (wizard step 4: `draft` given) or an existing experiment's plan/details
    (`experiment_id` given)."""

    STEP = 4
    NEXT_LABEL = "Submit: open the PRs"
    HELP = "The experiment's diffs per repo and the cross-repo checks; submit opens the pull requests."
    DEFAULT_CSS = WizardStep.DEFAULT_CSS + """
    PlanScreen #plan-summary { height: auto; padding: 1 0 0 0; }
    PlanScreen #plan-status { height: auto; }
    PlanScreen #plan-checks { height: auto; }
    PlanScreen #plan-diffs { height: auto; }
    PlanScreen Collapsible { padding: 0; border-top: none; }
    PlanScreen Collapsible Contents { padding: 0 0 0 2; }
    PlanScreen.-standalone #wizard-steps { display: none; }
    """
    BINDINGS = WizardStep.BINDINGS + [Binding("o", "open_pr", "open PR", id="experiments.open_pr")]

    def __init__(
        self,
        backend: ExperimentsBackend,
        draft: WizardDraft | None = None,
        experiment_id: str | None = None,
        title: str = "",
    ) -> None:
        super().__init__(backend, draft)
        self.experiment_id = experiment_id or (draft.experiment_id if draft else "")
        if title:
            self.TITLE = title
        elif draft is None:
            self.TITLE = f"Experiments · {self.experiment_id}"
        self.plan = None
        self.manifest = None
        self.planning = True

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wizard-body"):
            yield Static("", id="plan-summary")
            with Vertical(id="plan-status"):
                yield Static("", classes="step-section", id="plan-status-title")
                yield Static("", id="plan-status-text")
                yield PullList(id="plan-prs")
            yield Static("Checks", classes="step-section")
            yield Static(Text("planning against each repo's default branch…", style="italic"), id="plan-checks")
            yield Static("Changes (one pull request per repo)", classes="step-section")
            yield Vertical(id="plan-diffs")

    def on_mount(self) -> None:
        super().on_mount()
        self.set_class(self.draft is None, "-standalone")
        self.query_one("#plan-status").display = False
        self._update_submit()
        self._work()

    def _update_submit(self) -> None:
        button = self.query_one("#wizard-next", Button)
        button.display = not self.atlas.read_only
        button.disabled = self.planning or self.plan is None or not self.plan.ok

    @work(thread=True, exclusive=True, group="plan")
    def _work(self) -> None:
        backend = self.backend
        try:
            if self.draft is not None:
                manifest = backend.write_draft(self.draft)
            else:
                manifest = backend.load_manifest(self.experiment_id)
        except Exception as exc:
            self.post_message(PlanReady(None, error_line(exc)))
            return
        self.post_message(ManifestReady(manifest, self.draft is not None))
        if manifest.prs:
            try:
                self.post_message(StatusReady(backend.status(manifest, details=False)))
            except Exception as exc:
                self.post_message(StatusReady(None, error_line(exc)))
        try:
            self.post_message(PlanReady(backend.plan(manifest)))
        except Exception as exc:
            self.post_message(PlanReady(None, error_line(exc)))

    def on_manifest_ready(self, message: ManifestReady) -> None:
        self.manifest = message.manifest
        self.refresh_bindings()
        if self.draft is None:
            self.query_one("#wizard-next", Button).label = (
                "Apply again: reconcile (ctrl+n)" if message.manifest.prs else "Apply: open the PRs (ctrl+n)")
        summary = summary_text(message.manifest)
        if message.written and message.manifest.path is not None:
            path = message.manifest.path
            try:
                path = path.relative_to(self.backend.catalog_dir.parent)
            except ValueError:
                pass
            summary.append(f"\nwrote {path} (state draft)", style="dim")
        self.query_one("#plan-summary", Static).update(summary)

    def on_status_ready(self, message: StatusReady) -> None:
        self.query_one("#plan-status").display = True
        self.query_one("#plan-status-title", Static).update("Pull requests")
        text = self.query_one("#plan-status-text", Static)
        if message.status is None:
            text.update(Text(f"PR states unavailable: {message.error}", style="yellow"))
            return
        text.update(status_text(message.status))
        self.query_one(PullList).set_prs(
            [(repo, pr.number, pr.display_state, pr.url) for repo, pr in message.status.prs])

    def on_plan_ready(self, message: PlanReady) -> None:
        self.planning = False
        self.plan = message.plan
        checks = self.query_one("#plan-checks", Static)
        if message.plan is None:
            checks.update(Text(f"✗ no plan: {message.error}", style="bold red"))
            self._update_submit()
            return
        plan = message.plan
        checks.update(checks_text(plan))
        diffs = self.query_one("#plan-diffs", Vertical)
        widgets = []
        for change in plan.files:
            added, removed = diff_counts(change.diff)
            title = f"{change.repo}  {change.github} · {change.path}  " + (
                f"+{added} −{removed}" if change.changed else "no change")
            body = diff_text(change.diff) if change.changed else Text("(no change: already on the default branch)")
            widgets.append(Collapsible(Static(body), title=title, collapsed=False, id=f"diff-{change.repo}"))
        diffs.mount_all(widgets)
        note = self.query_one("#wizard-message", Static)
        if not plan.ok:
            note.update(Text("Submit is disabled until every check passes: go back (esc) and fix the parameters.",
                             style="bold red"))
        elif self.atlas.read_only:
            note.update(Text("read-only: submitting is off", style="dim"))
        self._update_submit()

    def action_open_pr(self) -> None:
        self.query_one(PullList).action_open_pr()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_pr":
            return bool(self.manifest is not None and self.manifest.prs)
        if action == "next" and self.atlas.read_only:
            return False
        return True

    def action_next(self) -> None:
        if self.atlas.read_only:
            self.notify("read-only mode: atlas does not open pull requests", severity="warning")
            return
        if self.planning:
            self.notify("still planning…")
            return
        if self.plan is None or not self.plan.ok:
            self.notify("the checks fail: nothing to submit", severity="error")
            return
        from atlas.tui.wizard.submit import SubmitStep

        self.go(SubmitStep(self.backend, self.experiment_id, draft=self.draft))
