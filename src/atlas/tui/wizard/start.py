"""Steps 1 and 2 of the wizard: pick a template, then name the experiment (id, hypothesis,
owner, coverage). Nothing is written yet."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from atlas.tui.wizard.backend import error_line
from atlas.tui.wizard.draft import WizardDraft, coverage_problem, id_problem
from atlas.tui.wizard.fields import LABEL_WIDTH, FormField
from atlas.tui.wizard.step import WizardStep


class TemplatesLoaded(Message):
    def __init__(self, templates: list, errors: list[str], failure: str = "") -> None:
        super().__init__()
        self.templates = templates
        self.errors = errors
        self.failure = failure


class TemplateStep(WizardStep):
    """1: which model's experiment template (each edits its own set of repos)."""

    STEP = 1
    HELP = "New experiment, step 1: pick the template (enter)."

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wizard-body"):
            yield Static("Pick the experiment template: it decides the parameters and the repos the experiment "
                         "edits. enter: choose.", classes="step-intro")
            yield Static("loading templates…", id="template-note")
            yield OptionList(id="template-list")

    def on_mount(self) -> None:
        super().on_mount()
        self._load()

    @work(thread=True, exclusive=True, group="templates")
    def _load(self) -> None:
        try:
            ws = self.backend.workspace()
            self.post_message(TemplatesLoaded(list(ws.templates.values()), list(ws.template_errors)))
        except Exception as exc:
            self.post_message(TemplatesLoaded([], [], error_line(exc)))

    def on_templates_loaded(self, message: TemplatesLoaded) -> None:
        self.templates = {t.id: t for t in message.templates}
        listing = self.query_one(OptionList)
        for tpl in message.templates:
            text = Text()
            text.append(tpl.id, style="bold")
            repos = ", ".join(t.repo for t in tpl.targets_in_data_order())
            text.append(f"   model {tpl.model} · edits {repos}", style="dim")
            text.append(f"\n{tpl.description or '(no description)'}")
            text.append(f"\n{len(tpl.experiment_params)} experiment parameters, {len(tpl.arm_params)} per arm",
                        style="dim")
            listing.add_option(Option(text, id=tpl.id))
        note = self.query_one("#template-note", Static)
        problems = ([message.failure] if message.failure else []) + message.errors
        if problems:
            note.update(Text("\n".join(problems), style="red"))
        elif not message.templates:
            note.update(Text("This catalog declares no [[experiment_template]]; see docs/experiments.md.",
                             style="yellow"))
        else:
            note.update("")
        if message.templates:
            listing.highlighted = 0
            listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_next()

    def action_next(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            self.notify("no template to pick", severity="warning")
            return
        template = self.templates[listing.get_option_at_index(listing.highlighted).id]
        if self.draft is None or self.draft.template.id != template.id:
            self.draft = WizardDraft.start(template)
        self.go(IdentityStep(self.backend, self.draft))


class OwnersLoaded(Message):
    def __init__(self, owners: list[tuple[str, str]], taken: set[str], failure: str = "") -> None:
        super().__init__()
        self.owners = owners
        self.taken = taken
        self.failure = failure


class IdentityStep(WizardStep):
    """2: the experiment's id, hypothesis, owner and coverage."""

    STEP = 2
    HELP = "New experiment, step 2: id, hypothesis, owner, coverage."
    DEFAULT_CSS = WizardStep.DEFAULT_CSS + f"""
    IdentityStep #owner-row {{ height: auto; margin: 0 0 1 0; }}
    IdentityStep #owner-row Label {{ width: {LABEL_WIDTH}; padding: 1 2 0 0; text-align: right; text-style: bold; }}
    IdentityStep #owner {{ width: 64; }}
    IdentityStep #owner-error {{ padding: 0 0 0 {LABEL_WIDTH}; color: $text-error; height: auto; display: none; }}
    IdentityStep #owner-error.-shown {{ display: block; }}
    """

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        assert draft is not None
        self.taken: set[str] = set()
        with VerticalScroll(id="wizard-body"):
            yield Static(f"Template {draft.template.id}: name the experiment. The id becomes the branch "
                         f"atlas/exp/<id> and the key in every repo.", classes="step-intro")
            yield FormField("id", "id", draft.experiment_id, lambda v: id_problem(v, self.taken),
                            help="lowercase, unique; e.g. exp-ranker-lr-v1", placeholder="exp-...")
            yield FormField("hypothesis", "hypothesis", draft.hypothesis,
                            lambda v: None if v.strip() else "required: what you expect to change, and by how much",
                            help="what you expect to change, and by how much", wide=True)
            with Horizontal(id="owner-row"):
                yield Label("owner")
                yield Select([], prompt="loading teams and people…", id="owner")
            yield Static("", id="owner-error")
            yield FormField("coverage", "coverage", draft.coverage, coverage_problem,
                            help="share of users enrolled, in (0, 1]; 0.1 = 10 %")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#input-id", Input).focus()
        self._load()

    @work(thread=True, exclusive=True, group="owners")
    def _load(self) -> None:
        try:
            self.post_message(OwnersLoaded(self.backend.owners(), self.backend.taken_ids()))
        except Exception as exc:
            self.post_message(OwnersLoaded([], set(), error_line(exc)))

    def on_owners_loaded(self, message: OwnersLoaded) -> None:
        assert self.draft is not None
        # The manifest this wizard wrote (then came back here) does not count as taken.
        own = self.draft.written.stem if self.draft.written is not None else None
        self.taken = {t for t in message.taken if t != own}
        self.query_one("#field-id", FormField).recheck()
        select = self.query_one("#owner", Select)
        select.set_options(message.owners)
        select.prompt = "choose a team or person"
        if self.draft.owner and any(v == self.draft.owner for _, v in message.owners):
            select.value = self.draft.owner
        if message.failure:
            self._owner_problem(message.failure)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    def keep(self) -> None:
        self._collect()

    def _collect(self) -> None:
        draft = self.draft
        assert draft is not None
        draft.experiment_id = self.query_one("#input-id", Input).value.strip()
        draft.hypothesis = self.query_one("#input-hypothesis", Input).value
        draft.coverage = self.query_one("#input-coverage", Input).value.strip()
        value = self.query_one("#owner", Select).value
        draft.owner = value if isinstance(value, str) else ""

    def _owner_problem(self, problem: str | None) -> None:
        error = self.query_one("#owner-error", Static)
        error.update(Text(f"✗ {problem}") if problem else "")
        error.set_class(bool(problem), "-shown")

    def on_select_changed(self, event: Select.Changed) -> None:
        self._owner_problem(None)

    def action_next(self) -> None:
        self._collect()
        assert self.draft is not None
        problems = self.draft.identity_problems(self.taken)
        for field in self.query(FormField):
            field.reveal()
        self._owner_problem(problems.get("owner"))
        if problems:
            first = next(iter(problems))
            target = self.query_one("#owner", Select) if first == "owner" else self.query_one(f"#input-{first}", Input)
            target.focus()
            return
        from atlas.tui.wizard.parameters import ParametersStep

        self.go(ParametersStep(self.backend, self.draft))
