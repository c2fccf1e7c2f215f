"""The experiments screen: every manifest with its state and its PRs' states (read from
the GitHub emulator in a worker), the loud PARTIALLY MERGED marker, apply from the list,
read-only, and its place in the real app (key x)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from atlas.tui.screens.experiments import ConfirmApply, ExperimentsScreen
from atlas.tui.wizard.backend import ExperimentsBackend
from atlas.tui.wizard.plan_view import PullList
from atlas.tui.wizard.review import PlanScreen
from atlas.tui.wizard.submit import SubmitStep

from .screen_text import screen_text
from .test_wizard import SIZE, TOKEN, Host, catalog_dir, emulator, experiment_prs, gh, seed, services_for, settle, workdir  # noqa: F401

MID = "exp-ranker-dwell-v2"


def row(app, experiment_id: str = MID) -> list[str]:
    return [str(cell) for cell in app.screen.query_one(DataTable).get_row(experiment_id)]


def apply_in_core(backend) -> None:
    """Open the sample experiment's PRs with the core directly (what `atlas experiment apply` does)."""
    backend.apply(MID, lambda progress: None)


async def test_lists_the_sample_draft_without_touching_github(catalog_dir):
    app = Host(catalog_dir, lambda: ExperimentsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert row(app) == [MID, "ranker", "draft", "ranking-science"]
        text = screen_text(app)
        assert "3 experiments; enter shows" in text  # the draft and the demo's two running ones
        assert "n new  p plan  a apply" in text  # the key bar, as on every other screen
        assert "Dwell time with background-tab and idle time removed" in text  # the selected one's hypothesis


async def test_apply_from_the_list_then_pr_states_and_links(catalog_dir, emulator, gh):
    backend = ExperimentsBackend(services_for(catalog_dir))
    app = Host(backend.services, lambda: ExperimentsScreen(backend))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmApply)
        await pilot.press("enter")
        await settle(app, pilot, rounds=5)
        assert isinstance(app.screen, SubmitStep)
        assert app.screen.query_one(PullList).option_count == 3
        await pilot.press("escape")  # done: back to the list, reloaded
        await settle(app, pilot, rounds=5)
        assert isinstance(app.screen, ExperimentsScreen)
        prs = experiment_prs(gh, MID)
        numbers = {repo: found[0].number for repo, found in prs.items()}
        assert row(app) == [MID, "ranker", "open", "ranking-science",
                            f"#{numbers['data-pipelines']} open", f"#{numbers['training']} open",
                            f"#{numbers['serving']} open"]
        # under the list: each PR's state and its body, as GitHub has them
        detail = str(app.screen.query_one("#experiments-detail", Static).visual)
        serving = prs["serving"][0]
        assert f"serving          #{serving.number} open" in detail
        assert serving.body.strip().splitlines()[0] in detail
        await pilot.press("o")  # the first PR that still needs attention
        assert app.opened == [prs["data-pipelines"][0].html_url]

        await pilot.press("enter")  # details: the set's state and each PR, openable
        await settle(app, pilot, rounds=5)
        details = app.screen
        assert isinstance(details, PlanScreen)
        assert "pull requests: open" in str(details.query_one("#plan-status-text", Static).visual)
        assert details.query_one(PullList).option_count == 3


async def test_partially_merged_is_loud(catalog_dir, emulator, gh):
    backend = ExperimentsBackend(services_for(catalog_dir))
    apply_in_core(backend)
    experiment_prs(gh, MID)["data-pipelines"][0].merge()  # merged by hand; the other two forgotten
    app = Host(backend.services, lambda: ExperimentsScreen(backend))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, rounds=4)
        cells = row(app)
        assert cells[2] == " PARTIALLY MERGED "
        assert cells[4].endswith(" merged") and cells[5].endswith(" open") and cells[6].endswith(" open")
        banner = app.screen.query_one("#experiments-banner", Static)
        assert banner.has_class("-shown")
        assert "!!! PARTIALLY MERGED !!!   exp-ranker-dwell-v2: merged data-pipelines; NOT merged training, serving" \
            in screen_text(app)
        assert "PARTIALLY MERGED: exp-ranker-dwell-v2" in screen_text(app).splitlines()[0]  # the header too


async def test_read_only_hides_apply(catalog_dir):
    app = Host(catalog_dir, lambda: ExperimentsScreen(), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "plan" in footer and "apply" not in footer
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ExperimentsScreen)
        await pilot.press("p")  # planning still works: it writes nothing
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        assert not app.screen.query_one("#wizard-next").display


async def test_the_real_app_opens_it_under_x_and_read_only_keeps_it_readable(catalog_dir, tmp_path, monkeypatch):
    from atlas.services import Services
    from atlas.tui.app import AtlasApp

    monkeypatch.setenv("ATLAS_KEYMAP", str(tmp_path / "no-keymap.toml"))
    app = AtlasApp(Services(catalog_dir, demo=False), read_only=True, live=False, refresh_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ExperimentsScreen)
        assert row(app)[:3] == [MID, "ranker", "draft"]
        assert "READ-ONLY" in screen_text(app) and "apply" not in screen_text(app).splitlines()[-1]
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = screen_text(app)
        assert "experiments.plan" in keys  # reading stays
        assert "experiments.new" not in keys and "experiments.apply" not in keys  # writing verbs hidden
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ExperimentsScreen)  # no wizard in read-only


async def test_a_failed_apply_says_why_and_ctrl_r_resumes_it(catalog_dir, emulator, gh, monkeypatch):
    monkeypatch.setenv("ATLAS_GITHUB_RETRIES", "0")  # fail at once instead of retrying the 503
    emulator.inject("503", method="POST", path_regex=r"/repos/nw-recs/training/pulls$")
    backend = ExperimentsBackend(services_for(catalog_dir))
    app = Host(backend.services, lambda: SubmitStep(backend, MID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot, rounds=5)
        text = screen_text(app)
        assert "✗ apply failed: " in text and "nw-recs/training" in text
        assert "ctrl+r retries and resumes from the journal" in text
        assert TOKEN not in text
        await pilot.press("ctrl+r")
        await settle(app, pilot, rounds=5)
        assert "3 pull requests open" in screen_text(app)
    prs = experiment_prs(gh, MID)
    assert {repo: len(found) for repo, found in prs.items()} == {"data-pipelines": 1, "training": 1, "serving": 1}
