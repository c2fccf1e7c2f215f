"""Step 3 of the wizard: the template's parameters. Experiment-scope ones once, arm-scope
ones per treatment arm, the weights of every arm with their sum live. Each field is checked
as you type; beside it, dim, what production runs today (read from the repos in a worker)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from atlas.experiments.template import ParamSpec
from atlas.tui.wizard.backend import error_line
from atlas.tui.wizard.draft import param_problem, weight_problem
from atlas.tui.wizard.fields import LABEL_WIDTH, FormField, production_text
from atlas.tui.wizard.step import WizardStep


class ProductionLoaded(Message):
    def __init__(self, values: dict | None, error: str = "") -> None:
        super().__init__()
        self.values = values
        self.error = error


def _help(spec: ParamSpec) -> str:
    allowed = spec.describe_range()
    if spec.type == "str" and not spec.required:
        allowed = (allowed + ", " if allowed else "") + "may be empty"
    return f"{spec.help} ({allowed})" if allowed else spec.help


class ParametersStep(WizardStep):
    """3: every parameter of the template, validated as you type."""

    STEP = 3
    HELP = "New experiment, step 3: parameters (checked as you type), arm weights."
    DEFAULT_CSS = WizardStep.DEFAULT_CSS + f"""
    ParametersStep #weight-sum {{ height: auto; padding: 0 0 1 {LABEL_WIDTH}; }}
    ParametersStep #arm-buttons {{ height: 3; padding: 0 0 0 {LABEL_WIDTH}; }}
    ParametersStep #arm-buttons Button {{ margin: 0 2 0 0; }}
    """
    BINDINGS = WizardStep.BINDINGS + [Binding("ctrl+t", "add_arm", "add arm", id="wizard.add_arm")]

    def __init__(self, backend, draft) -> None:
        super().__init__(backend, draft)
        self._values: ProductionLoaded | None = None  # kept across a recompose (arm added)

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        assert draft is not None
        tpl = draft.template
        # field key -> (where the value lives in the draft, parameter name)
        self._fields: dict[str, tuple[str, str]] = {}
        self._production: dict[str, tuple[str, bool]] = {}  # field key -> (param, arm scope)
        with VerticalScroll(id="wizard-body"):
            yield Static(f"{draft.experiment_id}: the parameters of template {tpl.id}. Production values, "
                         "dim on the right, are what the control arm serves today.", classes="step-intro")
            if tpl.experiment_params:
                yield Static("Experiment (one value for the whole experiment)", classes="step-section")
            for spec in tpl.experiment_params:
                key = f"param-{spec.name}"
                self._fields[key] = ("param", spec.name)
                self._production[key] = (spec.name, False)
                yield self._field(key, spec, draft.params.get(spec.name, ""))
            for arm in draft.treatment_arms:
                yield Static(f"Arm {arm.name} (what this arm trains and serves; control runs production as is)",
                             classes="step-section")
                for spec in tpl.arm_params:
                    key = f"arm-{_safe(arm.name)}-{spec.name}"
                    self._fields[key] = (f"arm:{arm.name}", spec.name)
                    self._production[key] = (spec.name, True)
                    yield self._field(key, spec, arm.params.get(spec.name, ""))
            yield Static("Weights (share of enrolled users per arm; they must sum to 1)", classes="step-section")
            for arm in draft.arms:
                key = f"weight-{_safe(arm.name)}"
                self._fields[key] = (f"weight:{arm.name}", "")
                yield FormField(key, f"{arm.name} weight", arm.weight, weight_problem)
            yield Static("", id="weight-sum")
            with Horizontal(id="arm-buttons"):
                yield Button("+ treatment arm (ctrl+t)", id="add-arm", disabled=not draft.can_add_arm())
                yield Button(f"− remove {draft.treatment_arms[-1].name}", id="remove-arm",
                             disabled=not draft.can_remove_arm())

    def _field(self, key: str, spec: ParamSpec, value: str) -> FormField:
        return FormField(
            key,
            spec.name,
            value,
            lambda v, spec=spec: param_problem(spec, v),
            help=_help(spec),
            production=production_text(spec.name, None, ""),
            suggestions=[str(c) for c in spec.choices] or None,
        )

    def on_mount(self) -> None:
        super().on_mount()
        self._show_sum()
        fields = list(self.query(FormField))
        if fields:
            fields[0].input.focus()
        self._load_production()

    @work(thread=True, exclusive=True, group="production")
    def _load_production(self) -> None:
        assert self.draft is not None
        try:
            values = self.backend.production_values(self.draft.template.id)
        except Exception as exc:
            self.post_message(ProductionLoaded(None, error_line(exc)))
        else:
            self.post_message(ProductionLoaded(values))

    def on_production_loaded(self, message: ProductionLoaded) -> None:
        self._values = message
        for key, (name, arm_scope) in self._production.items():
            text = production_text(name, message.values, message.error)
            if not arm_scope and not message.error and name not in (message.values or {}):
                text = Text("")  # experiment-wide knobs have no production counterpart
            self.query_one(f"#field-{key}", FormField).set_production(text)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add-arm":
            event.stop()
            await self.action_add_arm()
        elif event.button.id == "remove-arm":
            event.stop()
            await self._change_arms(add=False)
        else:
            super().on_button_pressed(event)

    async def action_add_arm(self) -> None:
        assert self.draft is not None
        if not self.draft.can_add_arm():
            self.notify(f"template {self.draft.template.id} takes at most {self.draft.template.max_arms} arms",
                        severity="warning")
            return
        await self._change_arms(add=True)

    async def _change_arms(self, add: bool) -> None:
        """Rebuild the form for the new set of arms; every value lives in the draft."""
        draft = self.draft
        assert draft is not None
        arm = draft.add_arm().name if add else None
        if not add:
            draft.remove_arm()
        await self.recompose()
        self._show_sum()
        if self._values is not None:
            self.on_production_loaded(self._values)
        if arm is not None and draft.template.arm_params:
            first = self.query_one(f"#input-arm-{_safe(arm)}-{draft.template.arm_params[0].name}", Input)
            first.focus()
            first.scroll_visible()

    @on(Input.Changed)
    def _store(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("input-")
        if key not in self._fields:
            return
        where, name = self._fields[key]
        draft = self.draft
        assert draft is not None
        if where == "param":
            draft.params[name] = event.value
        elif where.startswith("arm:"):
            arm = next(a for a in draft.arms if a.name == where[4:])
            arm.params[name] = event.value
        elif where.startswith("weight:"):
            arm = next(a for a in draft.arms if a.name == where[7:])
            arm.weight = event.value.strip()
            self._show_sum()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    def _show_sum(self) -> None:
        assert self.draft is not None
        total = self.draft.weight_sum()
        problem = self.draft.weights_problem()
        text = Text("sum ", style="bold")
        if total is None:
            text.append("?  ✗ every weight must be a number", style="red")
        elif problem:
            text.append(f"{total:g}  ✗ must be 1", style="bold red")
        else:
            text.append(f"{total:g}  ✓", style="green")
        self.query_one("#weight-sum", Static).update(text)

    def action_next(self) -> None:
        assert self.draft is not None
        for field in self.query(FormField):
            field.reveal()
        problems = self.draft.parameter_problems()
        message = self.query_one("#wizard-message", Static)
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            message.update(Text(f"✗ fix before going on: {problems[0]}{more}", style="bold red"))
            bad = next((f for f in self.query(FormField) if f.problem), None)
            if bad is not None:
                bad.input.focus()
                bad.scroll_visible()
            return
        message.update("")
        from atlas.tui.wizard.review import PlanScreen

        self.go(PlanScreen(self.backend, draft=self.draft))


def _safe(name: str) -> str:
    """An arm name as part of a widget id (ids take letters, digits, '-' and '_')."""
    return name.replace(".", "_")
