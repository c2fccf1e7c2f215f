"""The experiment wizard, driven key by key with Textual's Pilot against the GitHub
emulator on loopback (the real forge, PyGithub and the experiments core), on a copy of the
sample catalog."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from textual.widgets import Button, Collapsible, Input, OptionList, Select, Static

from atlas.catalog.loader import load_catalog
from atlas.services import Services
from atlas.tui.app import AtlasApp
from atlas.tui.screens.experiments import ExperimentsScreen
from atlas.tui.wizard.backend import ExperimentsBackend
from atlas.tui.wizard.draft import WizardDraft
from atlas.tui.wizard.fields import FormField
from atlas.tui.wizard.parameters import ParametersStep
from atlas.tui.wizard.plan_view import PullList
from atlas.tui.wizard.review import PlanScreen
from atlas.tui.wizard.start import IdentityStep, TemplateStep
from atlas.tui.wizard.submit import SubmitStep

from .conftest import workers_done
from .screen_text import Notices, screen_text

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghp_atlasTUItoken0123456789abcdefSECRET"
SIZE = (120, 36)
SEED = ROOT / "scenarios" / "repos"


def services_for(catalog_dir: Path, bare_header: bool = False) -> Services:
    """The real services on a catalog copy, reading the environment as the test set it up
    (the GitHub emulator's URL and token). `bare_header`: the catalog without components, so
    snapshots do not move with the sample's size (templates and repos stay)."""
    catalog = None
    if bare_header:
        catalog = load_catalog(catalog_dir).catalog
        catalog.components = {}
    services = Services(catalog_dir, demo=False, catalog=catalog)
    services.load()
    return services


class Host(AtlasApp):
    """The real app, opening on the screen under test, with the URLs it opens recorded."""

    def __init__(self, where: Path | Services, first, read_only: bool = False, bare_header: bool = False) -> None:
        services = where if isinstance(where, Services) else services_for(where, bare_header)
        super().__init__(services, read_only=read_only, live=False, refresh_seconds=None)
        self.opened: list[str] = []
        self._first = first

    def on_mount(self) -> None:
        super().on_mount()  # the services are loaded: the workspace is there at once
        self.push_screen(self._first())

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


@pytest.fixture
def workdir(tmp_path):
    """On tmpfs when there is one: apply's journal fsyncs every step."""
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="atlas-tui-") as d:
            yield Path(d)
    else:
        yield tmp_path


@pytest.fixture
def catalog_dir(workdir):
    target = workdir / "catalog"
    shutil.copytree(ROOT / "catalog", target)
    return target


@pytest.fixture(scope="session")
def seed():
    from atlas.emulators.github import load_seed

    return load_seed(ROOT / "scenarios" / "repos")


@pytest.fixture
def emulator(seed, monkeypatch):
    from atlas.emulators.github import GitHubEmulator

    emu = GitHubEmulator(seed, token=TOKEN)
    emu.start()
    monkeypatch.setenv("GITHUB_API_URL", emu.base_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GH_TOKEN", "")
    monkeypatch.setenv("ATLAS_GITHUB_BACKOFF", "0.01")
    yield emu
    emu.stop()


@pytest.fixture
def gh(emulator):
    """A plain PyGithub client, to check what the wizard did on the emulator."""
    from github import Auth, Github

    return Github(auth=Auth.Token(TOKEN), base_url=emulator.base_url, seconds_between_requests=0,
                  seconds_between_writes=0, retry=None)


def experiment_prs(gh, experiment_id: str, state: str = "open") -> dict[str, list]:
    """Per repo, the pull requests whose head is the experiment's branch."""
    return {name: [p for p in gh.get_repo(f"nw-recs/{name}").get_pulls(state=state)
                   if p.head.ref == f"atlas/exp/{experiment_id}"]
            for name in ("data-pipelines", "training", "serving")}


async def settle(app, pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:
    """Key by key: what a person does (and the slow way; `fill` for the rest)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def fill(pilot, selector: str, text: str) -> None:
    """Set a field's text at once (Input.Changed fires as for typing)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


LR_V1 = {
    "#input-param-feature": "user_dwell_time_v2_7d",
    "#input-param-seed": "7",
    "#input-arm-treatment-variant": "lr-v1",
    "#input-arm-treatment-alias": "exp-lr-v1",
    "#input-arm-treatment-feature_set": "base_v12+user_dwell_time_v2_7d",
}


async def walk_to_parameters(app, pilot, experiment_id: str = "exp-ranker-lr-v1") -> None:
    await settle(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, TemplateStep)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, IdentityStep)
    await fill(pilot, "#input-id", experiment_id)
    await fill(pilot, "#input-hypothesis", "A lower learning rate lifts NDCG@10")
    owner = app.screen.query_one("#owner", Select)
    owner.focus()
    await pilot.press("enter", *"ran", "enter")  # type to search: ranking-science
    await fill(pilot, "#input-coverage", "0.2")
    await pilot.press("ctrl+n")
    await settle(app, pilot)
    assert isinstance(app.screen, ParametersStep), screen_text(app)


def field(app, key: str) -> FormField:
    return app.screen.query_one(f"#field-{key}", FormField)


def filled_draft(backend, experiment_id: str = "exp-ranker-lr-v1", **params: str) -> WizardDraft:
    """What a person would have typed in steps 1-3, built in code."""
    draft = WizardDraft.start(backend.workspace().templates["ranker"])
    draft.experiment_id = experiment_id
    draft.hypothesis = "A lower learning rate lifts NDCG@10"
    draft.owner = "ranking-science"
    draft.coverage = "0.2"
    draft.params.update(feature="user_dwell_time_v2_7d", seed="7")
    draft.arms[1].params.update(variant="lr-v1", alias="exp-lr-v1", feature_set="base_v12+user_dwell_time_v2_7d",
                                learning_rate="0.02")
    for name, value in params.items():
        (draft.params if name in draft.params else draft.arms[1].params)[name] = value
    return draft


async def test_wizard_end_to_end_opens_three_linked_prs(catalog_dir, emulator, gh):
    backend = ExperimentsBackend(services_for(catalog_dir))
    app = Host(backend.services, lambda: ExperimentsScreen(backend))
    manifest_file = catalog_dir / "experiments" / "exp-ranker-lr-v1.toml"
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_parameters(app, pilot)
        # production values arrive from the training repo's control variant, beside the field
        lr = field(app, "arm-treatment-learning_rate")
        assert "production 0.05" in lr.production
        assert not manifest_file.exists()  # nothing written before the review

        # an out-of-range value: inline error under the field, red border, Next blocked
        await type_into(pilot, "#input-arm-treatment-learning_rate", "0.9")
        await pilot.pause()
        assert lr.input.has_class("-invalid")
        assert "✗ 0.9 is out of range (0.0001 to 0.5)" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ParametersStep)
        assert "fix before going on" in screen_text(app)
        assert not manifest_file.exists()

        # the weights' sum is shown live
        await fill(pilot, "#input-weight-control", "0.6")
        assert "sum 1.1  ✗ must be 1" in str(app.screen.query_one("#weight-sum", Static).visual)
        await fill(pilot, "#input-weight-control", "0.5")

        for selector, value in LR_V1.items():
            await fill(pilot, selector, value)
        await type_into(pilot, "#input-arm-treatment-learning_rate", "0.02")
        await pilot.pause()
        assert not lr.input.has_class("-invalid")
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        review = app.screen
        assert isinstance(review, PlanScreen), screen_text(app)
        assert 'state = "draft"' in manifest_file.read_text()
        assert [c.id for c in review.query(Collapsible)] == ["diff-data-pipelines", "diff-training", "diff-serving"]
        checks = str(review.query_one("#plan-checks", Static).visual)
        assert checks.count("✓") == 10 and "✗" not in checks and "? " not in checks

        # esc goes back one step with everything as typed; the manifest is rewritten, not refused
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ParametersStep)
        assert app.screen.query_one("#input-arm-treatment-variant", Input).value == "lr-v1"
        await fill(pilot, "#input-arm-treatment-num_layers", "5")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, PlanScreen) and review.plan.ok, review.plan and review.plan.problems
        assert "num_layers = 5" in manifest_file.read_text()
        assert not review.query_one("#wizard-next", Button).disabled

        await pilot.press("ctrl+n")
        await settle(app, pilot, rounds=5)
        submit = app.screen
        assert isinstance(submit, SubmitStep)
        log = "\n".join(str(line.text) for line in submit.query_one("#apply-log").lines)
        for repo in ("data-pipelines", "training", "serving"):
            assert f"{repo}" in log
        assert "ready for review" in log and "labels" in log
        pulls = submit.query_one(PullList)
        assert pulls.option_count == 3
        assert "3 pull requests open" in screen_text(app)
        await pilot.press("o")
        links = dict(pulls.urls)

        # done: back on the list, which shows the new experiment's three open PRs
        await pilot.press("ctrl+n")
        await settle(app, pilot, rounds=5)
        assert isinstance(app.screen, ExperimentsScreen)
        row = app.screen.query_one("#experiments-table").get_row("exp-ranker-lr-v1")
        assert [str(c) for c in row[2:]][:1] == ["open"]
        assert all(str(c).endswith(" open") for c in row[4:]), row

    prs = experiment_prs(gh, "exp-ranker-lr-v1")
    assert {repo: len(found) for repo, found in prs.items()} == {"data-pipelines": 1, "training": 1, "serving": 1}
    assert app.opened == [prs["data-pipelines"][0].html_url]
    assert links == {repo: found[0].html_url for repo, found in prs.items()}
    for found in prs.values():
        assert not found[0].draft and "exp-ranker-lr-v1" in found[0].body
    assert 'state = "open"' in manifest_file.read_text()


async def test_an_existing_id_and_a_missing_owner_are_refused_inline(catalog_dir):
    backend = ExperimentsBackend(services_for(catalog_dir))
    draft = WizardDraft.start(backend.workspace().templates["ranker"])
    app = Host(backend.services, lambda: IdentityStep(backend, draft))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await fill(pilot, "#input-id", "exp-ranker-dwell-v2")
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, IdentityStep)
        text = screen_text(app)
        assert "✗ exp-ranker-dwell-v2 already exists" in text
        assert "✗ required: the team or person who owns the experiment" in text
        assert "✗ required: what you expect to change" in text
        assert not (catalog_dir / "experiments" / "exp-ranker-dwell-v2.toml").read_text().count("lr-v1")


async def test_failing_checks_disable_submit(catalog_dir, emulator):
    """The treatment arm trains on a feature the pipeline does not turn on (no feature
    parameter): the review names the problem and Submit stays disabled."""
    backend = ExperimentsBackend(services_for(catalog_dir))
    draft = filled_draft(backend, "exp-ranker-bad", feature="")
    app = Host(backend.services, lambda: PlanScreen(backend, draft=draft))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        review = app.screen
        assert review.plan is not None and not review.plan.ok
        assert review.query_one("#wizard-next", Button).disabled
        text = screen_text(app)
        assert "✗ arms' new features produced and enabled in the pipeline" in text
        assert "Submit is disabled until every check passes" in text
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)


async def test_read_only_refuses_the_wizard(catalog_dir):
    backend = ExperimentsBackend(services_for(catalog_dir))
    app = Host(backend.services, lambda: ExperimentsScreen(backend), read_only=True)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        assert "n new" not in screen_text(app).splitlines()[-1]  # the verb is hidden, as k9s does
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ExperimentsScreen)
        from atlas.tui.screens.wizard import open_wizard

        open_wizard(app, backend)  # any other way in (the palette) refuses and says why
        await settle(app, pilot)
        assert isinstance(app.screen, ExperimentsScreen)
        assert any("read-only mode" in m for m in notices.messages())


# ---- snapshots: the seed repos through the GitHub emulator, 120x36 --------------------------------------------


def test_snapshot_parameter_step(catalog_dir, emulator, snap_compare):
    backend = ExperimentsBackend(services_for(catalog_dir, bare_header=True))
    draft = filled_draft(backend, learning_rate="0.9")

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        field(pilot.app, "arm-treatment-learning_rate").reveal()
        pilot.app.screen.query_one("#input-arm-treatment-learning_rate", Input).focus()
        await settle(pilot.app, pilot)

    app = Host(backend.services, lambda: ParametersStep(backend, draft))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_review_step(catalog_dir, emulator, snap_compare):
    backend = ExperimentsBackend(services_for(catalog_dir, bare_header=True))
    draft = filled_draft(backend)

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)

    app = Host(backend.services, lambda: PlanScreen(backend, draft=draft))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_second_treatment_arm_gets_its_own_fields_and_even_weights(catalog_dir, emulator):
    backend = ExperimentsBackend(services_for(catalog_dir))
    draft = filled_draft(backend)
    app = Host(backend.services, lambda: ParametersStep(backend, draft))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert [a.weight for a in draft.arms] == ["0.34", "0.33", "0.33"]
        assert "sum 1  ✓" in str(app.screen.query_one("#weight-sum", Static).visual)
        second = field(app, "arm-treatment-2-learning_rate")
        assert "production 0.05" in second.production
        assert app.screen.query_one("#input-arm-treatment-variant", Input).value == "lr-v1"  # kept
        await pilot.press("ctrl+n")  # the new arm's variant and alias are still empty
        await settle(app, pilot)
        assert isinstance(app.screen, ParametersStep)
        assert "✗ must not be empty" in str(field(app, "arm-treatment-2-variant").query_one(".field-error").visual)
        for key, value in (("variant", "lr-v2"), ("alias", "exp-lr-v2"),
                           ("feature_set", "base_v12+user_dwell_time_v2_7d")):
            await fill(pilot, f"#input-arm-treatment-2-{key}", value)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, PlanScreen) and review.plan.ok, review.plan and review.plan.problems
        serving = next(f for f in review.plan.files if f.repo == "serving")
        assert '"name": "treatment-2"' in serving.after and '"alias": "exp-lr-v2"' in serving.after


async def test_without_a_github_token_production_and_plan_say_why(catalog_dir, monkeypatch, tmp_path):
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `gh` CLI to ask either
    backend = ExperimentsBackend(services_for(catalog_dir))
    draft = filled_draft(backend)
    app = Host(backend.services, lambda: ParametersStep(backend, draft))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lr = field(app, "arm-treatment-learning_rate")
        assert "production unavailable: no GitHub token" in lr.production
        await pilot.press("ctrl+n")  # the fields are fine: on to the review, which cannot plan
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        assert "✗ no plan: no GitHub token: set GITHUB_TOKEN" in screen_text(app)
        assert app.screen.query_one("#wizard-next", Button).disabled
