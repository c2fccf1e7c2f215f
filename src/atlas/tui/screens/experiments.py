"""Experiments: every manifest of the catalog with its state and the state of each of its
pull requests (read from GitHub in a worker), a loud PARTIALLY MERGED marker when a set is
split, each running experiment's watch (health's glyphs; its checks in the detail pane,
read through the app's services in the same worker), and one key per verb: `n` new (the wizard), `p` plan, `a` apply, `enter` details,
`o` open a PR, `ctrl+r` refresh.

It gets its `ExperimentsBackend` from the app (`experiments_backend()`, built over the
app's `Services`: the catalog it loaded and its forge, which demo mode points at the embedded
GitHub emulator), unless one is passed to the constructor.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from atlas.experiments.lifecycle import PARTIAL_BANNER
from atlas.tui.screens.base import AtlasScreen
from atlas.tui.screens.wizard import open_wizard
from atlas.tui.wizard.backend import ExperimentsBackend, error_line
from atlas.tui.wizard.plan_view import PR_STATE_STYLE, open_pr
from atlas.tui.wizard.review import PlanScreen
from atlas.tui.wizard.submit import SubmitStep
from atlas.tui.widgets.keybar import KeyBar
from atlas.tui import watch_view

STATE_STYLE = {"draft": "dim", "planned": "yellow", "open": "green", "merged": "magenta", "aborted": "red",
               "closed": "red"}
PARTIAL = Text(" PARTIALLY MERGED ", style="bold white on red")


class ManifestsLoaded(Message):
    def __init__(self, manifests: list, problems: list[str], error: str = "") -> None:
        super().__init__()
        self.manifests = manifests
        self.problems = problems
        self.error = error


class StatusLoaded(Message):
    def __init__(self, experiment_id: str, status, error: str = "") -> None:
        super().__init__()
        self.experiment_id = experiment_id
        self.status = status
        self.error = error


class WatchLoaded(Message):
    def __init__(self, report) -> None:
        super().__init__()
        self.report = report  # a WatchReport, or the exception the watch raised


class ConfirmApply(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmApply { align: center middle; }
    ConfirmApply > Static { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("enter,y", "confirm", "apply", id="experiments.confirm_apply"),
        Binding("escape,n", "cancel", "cancel", id="experiments.cancel_apply"),
    ]

    def __init__(self, experiment_id: str, repos: int) -> None:
        super().__init__()
        self.experiment_id = experiment_id
        self.repos = repos

    def compose(self) -> ComposeResult:
        where = f"{self.repos} repos" if self.repos else "each repo the template edits"
        yield Static(Text.assemble(
            (f"Apply {self.experiment_id}?\n\n", "bold"),
            f"Pushes a branch and opens (or updates) one pull request in {where}, "
            "checked again first; re-running never duplicates.\n\n",
            ("enter", "bold"), " apply    ", ("esc", "bold"), " cancel"))

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ExperimentsScreen(AtlasScreen):
    TITLE = "Experiments"
    HELP = "Every experiment, its state and its pull requests; n starts the wizard."
    DEFAULT_CSS = """
    ExperimentsScreen #experiments-banner { height: auto; padding: 0 1; display: none; }
    ExperimentsScreen #experiments-banner.-shown { display: block; }
    ExperimentsScreen #experiments-message { height: auto; padding: 0 1; color: $text-muted; }
    ExperimentsScreen #experiments-table { height: 1fr; }
    ExperimentsScreen #experiments-detail-box { height: auto; max-height: 50%; background: $panel; }
    ExperimentsScreen #experiments-detail { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("n", "new", "new", id="experiments.new"),
        Binding("p", "plan", "plan", id="experiments.plan"),
        Binding("a", "apply", "apply", id="experiments.apply"),
        Binding("enter", "details", "details", id="experiments.details"),
        Binding("o", "open_pr", "open PR", id="experiments.open_pr"),
        Binding("ctrl+r", "refresh", "refresh", id="experiments.refresh"),
    ]

    def __init__(self, backend: ExperimentsBackend | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.manifests: dict[str, object] = {}
        self.statuses: dict[str, object] = {}
        self.status_errors: dict[str, str] = {}
        self.watches: dict[str, object] = {}  # experiment id -> its ExperimentWatch
        self.watch_error = ""
        self._loaded_once = False

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("", id="experiments-banner")
        yield Static("loading experiments…", id="experiments-message")
        with Vertical():
            table: DataTable = DataTable(id="experiments-table", cursor_type="row", zebra_stripes=True)
            yield table
            with VerticalScroll(id="experiments-detail-box"):  # PR bodies can be long: it scrolls
                yield Static("", id="experiments-detail")
        yield KeyBar()

    # ---- loading --------------------------------------------------------------------------

    def workspace_ready(self) -> None:
        if self.backend is None:
            self.backend = self.atlas.experiments_backend()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.manifests or self._loaded_once:
            self.action_refresh()  # back from the wizard or an apply: states have moved

    def action_refresh(self) -> None:
        if self.backend is None:
            return
        self._load()

    @work(thread=True, exclusive=True, group="manifests")
    def _load(self) -> None:
        try:
            manifests, problems = self.backend.manifests()
        except Exception as exc:
            self.post_message(ManifestsLoaded([], [], error_line(exc)))
            return
        self.post_message(ManifestsLoaded(manifests, problems))
        if getattr(self.app, "live", False):  # a live app reads Cloud Monitoring; a still one never does
            try:
                self.post_message(WatchLoaded(self.atlas.services.watch()))
            except Exception as exc:  # noqa: BLE001 - shown as the watch's own line
                self.post_message(WatchLoaded(exc))
        for manifest in manifests:
            if not manifest.prs:
                continue
            try:
                self.post_message(StatusLoaded(manifest.id, self.backend.status(manifest)))
            except Exception as exc:
                self.post_message(StatusLoaded(manifest.id, None, error_line(exc)))

    def on_manifests_loaded(self, message: ManifestsLoaded) -> None:
        self._loaded_once = True
        self.manifests = {m.id: m for m in message.manifests}
        self.statuses = {}
        self.status_errors = {}
        note = self.query_one("#experiments-message", Static)
        if message.error:
            note.update(Text(f"✗ {message.error}", style="red"))
        elif message.problems:
            more = f" (+{len(message.problems) - 1} more)" if len(message.problems) > 1 else ""
            note.update(Text(f"✗ {message.problems[0]}{more}", style="red"))
        elif not message.manifests:
            note.update("No experiments yet: press n to start the wizard.")
        else:
            count = len(message.manifests)
            note.update(f"{count} experiment{'' if count == 1 else 's'}; enter shows one's plan and pull requests.")
        self._rebuild()

    def on_watch_loaded(self, message: WatchLoaded) -> None:
        report = message.report
        if isinstance(report, BaseException):
            self.watch_error = error_line(report)
        else:
            self.watch_error = "; ".join(report.errors[:1] + report.skipped[:1])
            self.watches = {e.experiment: e for e in report.experiments}
        self._rebuild()

    def on_status_loaded(self, message: StatusLoaded) -> None:
        if message.status is not None:
            self.statuses[message.experiment_id] = message.status
        else:
            self.status_errors[message.experiment_id] = message.error
        self._rebuild()

    # ---- rendering --------------------------------------------------------------------------

    def _rebuild(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_id()
        repos: list[str] = []
        for manifest in self.manifests.values():
            for repo in manifest.prs:
                if repo not in repos:
                    repos.append(repo)
        watch = ["watch"] if self.watches else []
        headers = ["experiment", "template", "state", *watch, "owner", *repos]
        rows = [
            [Text(m.id), Text(m.template), self._state_cell(m),
             *([watch_view.cell(self.watches.get(m.id))] if watch else []), Text(m.owner or "-"),
             *[self._pr_cell(m, repo) for repo in repos]]
            for m in sorted(self.manifests.values(), key=lambda m: m.id)
        ]
        table.clear(columns=True)
        # Widths measured here: auto-width columns keep their first width across rebuilds.
        for i, header in enumerate(headers):
            width = max([len(header)] + [row[i].cell_len for row in rows])
            table.add_column(header, width=width)
        for row in rows:
            table.add_row(*row, key=row[0].plain)
        ids = sorted(self.manifests)
        if selected in ids:
            table.move_cursor(row=ids.index(selected))
        self._banner()
        self._describe()

    def _state_cell(self, manifest) -> Text:
        status = self.statuses.get(manifest.id)
        state = status.overall if status is not None and status.prs else manifest.state
        if state == "partially-merged":
            return PARTIAL.copy()
        return Text(state, style=STATE_STYLE.get(state, ""))

    def _pr_cell(self, manifest, repo: str) -> Text:
        ref = manifest.prs.get(repo)
        if ref is None:
            return Text("-", style="dim")
        status = self.statuses.get(manifest.id)
        pr = next((p for r, p in status.prs if r == repo), None) if status is not None else None
        if pr is None:
            why = "?" if manifest.id in self.status_errors else "…"
            return Text(f"#{ref.number} {why}", style="dim")
        state = pr.display_state
        return Text(f"#{pr.number} {state}", style=PR_STATE_STYLE.get(state, ""))

    def _banner(self) -> None:
        split = [s for s in self.statuses.values() if s.partial]
        split += [m for m in self.manifests.values()
                  if m.state == "partially-merged" and m.id not in self.statuses]
        banner = self.query_one("#experiments-banner", Static)
        banner.set_class(bool(split), "-shown")
        # every screen's header says it too
        self.app.split_experiments = tuple(getattr(s, "experiment", None) or s.id for s in split)
        if not split:
            banner.update("")
            return
        text = Text()
        text.append(f" {PARTIAL_BANNER} ", style="bold white on red")
        for s in split:
            if hasattr(s, "merged"):
                text.append(f"  {s.experiment}: merged {', '.join(s.merged)}; NOT merged "
                            f"{', '.join(s.unmerged)}", style="bold red")
            else:
                text.append(f"  {s.id}: recorded as partially merged", style="bold red")
        banner.update(text)

    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None

    def _describe(self) -> None:
        detail = self.query_one("#experiments-detail", Static)
        manifest = self.manifests.get(self.selected_id() or "")
        if manifest is None:
            detail.update("")
            return
        text = Text()
        text.append(manifest.id, style="bold")
        text.append(f"  owner {manifest.owner or '-'} · coverage {manifest.coverage:g} · arms "
                    + ", ".join(f"{a.name} {a.weight:g}" for a in manifest.arms), style="dim")
        if manifest.hypothesis:
            text.append(f"\n{manifest.hypothesis}", style="italic")
        watched = self.watches.get(manifest.id)
        if watched is not None:
            text.append(f"\nwatch ({watched.status.value}): `atlas experiment watch {manifest.id}`", style="bold")
            text.append_text(watch_view.detail(watched))
        elif self.watch_error and manifest.state == "merged":
            text.append(f"\nwatch could not run: {self.watch_error}", style="dark_orange")
        error = self.status_errors.get(manifest.id)
        if error:
            text.append(f"\nPR states unavailable: {error}", style="yellow")
        status = self.statuses.get(manifest.id)
        live = {repo: pr for repo, pr in status.prs} if status is not None else {}
        for repo, ref in manifest.prs.items():
            pr = live.get(repo)
            if pr is None:
                text.append(f"\n{repo:<16} #{ref.number} (state not read) {ref.url}", style="dim")
                continue
            state = pr.display_state
            text.append(f"\n{repo:<16} ")
            text.append(f"#{pr.number} {state}", style=PR_STATE_STYLE.get(state, "bold"))
            extra = ", ".join(x for x in (pr.review, f"checks {pr.checks}" if pr.checks else "") if x)
            if extra:
                text.append(f" · {extra}", style="dim")
            text.append(f"  {pr.url}", style="dim")
            body = pr.body.strip()
            if body:
                for line in body.splitlines():
                    text.append(f"\n    {line}")
            else:
                text.append("\n    (no description)", style="dim")
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    # ---- verbs ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("apply", "new") and self.atlas.read_only:
            return False  # both write (PRs, a manifest): hidden, not merely greyed out
        return True

    def action_new(self) -> None:
        if self.backend is not None:
            open_wizard(self.app, self.backend)

    def _selected_manifest(self):
        manifest = self.manifests.get(self.selected_id() or "")
        if manifest is None:
            self.notify("no experiment selected", severity="warning")
        return manifest

    def action_plan(self) -> None:
        manifest = self._selected_manifest()
        if manifest is not None:
            self.app.push_screen(PlanScreen(self.backend, experiment_id=manifest.id,
                                            title=f"Experiments · plan of {manifest.id}"))

    def action_details(self) -> None:
        manifest = self._selected_manifest()
        if manifest is not None:
            self.app.push_screen(PlanScreen(self.backend, experiment_id=manifest.id))

    def action_apply(self) -> None:
        if self.atlas.read_only:
            return
        manifest = self._selected_manifest()
        if manifest is None:
            return
        if manifest.state == "merged":
            self.notify(f"{manifest.id} is merged; nothing to apply", severity="warning")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(SubmitStep(self.backend, manifest.id))

        self.app.push_screen(ConfirmApply(manifest.id, len(manifest.prs)), confirmed)

    def action_open_pr(self) -> None:
        """The first pull request that still needs attention (not merged), else the first."""
        manifest = self._selected_manifest()
        if manifest is None:
            return
        if not manifest.prs:
            self.notify(f"{manifest.id} has no pull requests yet (a applies it)", severity="warning")
            return
        status = self.statuses.get(manifest.id)
        url = next(iter(manifest.prs.values())).url
        if status is not None:
            pending = [p for _, p in status.prs if not p.merged]
            url = (pending or [p for _, p in status.prs])[0].url
        open_pr(self.app, url)
