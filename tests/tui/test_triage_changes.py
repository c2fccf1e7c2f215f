"""What changed, on the triage screen: the pull request merged before the cause's onset,
read through the real forge (PyGithub) from the GitHub emulator over loopback, after the
ranking is already on screen; and the errors its own logs burst into at its onset, read
through the real Logging client from the GCP emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.catalog.model import Repo
from tests.health.test_changes import TOKEN, Clock, forge_for, merge

from .conftest import NOW, SIZE, settle
from .product import ONSET, ScriptedServices, tui_env
from .screen_text import screen_text

SEED = Path(__file__).resolve().parents[2] / "scenarios" / "repos"
REPO = "nw-recs/data-pipelines"


@pytest.fixture
def github():
    from atlas.emulators.github import GitHubEmulator, load_seed

    clock = Clock(NOW - 48 * 3600)
    emu = GitHubEmulator(load_seed(SEED), token=TOKEN, clock=clock)
    emu.start()
    yield emu, clock
    emu.stop()


async def test_the_pr_merged_before_the_onset_is_under_the_cause(catalog, make_app, github):
    emu, clock = github
    number = merge(forge_for(emu.base_url), clock, ONSET["sessionizer"] - 40 * 60, "bump-window",
                   "dataflow/sessionizer/window.py", "bump sessionizer window")
    catalog.repos["pipes"] = Repo("pipes", REPO)
    catalog.components["sessionizer"].repo = "pipes"
    env = {**tui_env(catalog.workspace), "GITHUB_API_URL": emu.base_url, "GITHUB_TOKEN": TOKEN}
    app = make_app(ScriptedServices(catalog, env=env))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"changed before: PR #{number} 'bump sessionizer window' merged 40 min before onset" in text
        row = next(line for line in text.splitlines() if "sessionizer" in line and "CAUSE" in line)
        assert "changed system lag" in row  # the row shows the change, before its reason
        assert TOKEN not in text


async def test_without_a_token_the_cause_says_why_changes_are_unknown(catalog, make_app):
    catalog.repos["pipes"] = Repo("pipes", REPO)
    catalog.components["sessionizer"].repo = "pipes"
    app = make_app(ScriptedServices(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        text = screen_text(app)
        assert "changes: unknown (" in text and "not looked up" not in text


SCENARIO = """
[scenario]
name = "sessionizer errors"
project = "shop-data"

[[log]]
at = "-3h5m"
every = "1m"
repeat = 5
severity = "ERROR"
resource_type = "dataflow_step"
resource_labels = { job_name = "sessionizer" }
text = "java.lang.OutOfMemoryError: Java heap space"
"""


async def test_the_errors_its_logs_burst_into_at_onset_are_under_the_cause(catalog, make_app, tmp_path):
    from atlas.catalog.model import LogFilterTemplate
    from atlas.emulators.gcp import GcpEmulator
    from atlas.emulators.scenario import load_scenario

    (tmp_path / "scenario.toml").write_text(SCENARIO)
    emu = GcpEmulator(load_scenario(tmp_path / "scenario.toml"), now=lambda: NOW)
    emu.start()
    try:
        catalog.components["sessionizer"].labels = {"job_name": "sessionizer"}
        catalog.log_filters = [LogFilterTemplate(kinds=("dataflow_job",), filter=(
            'resource.type="dataflow_step" AND resource.labels.job_name="{job_name}"'))]
        app = make_app(ScriptedServices(catalog, logging=emu.address))
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("t")
            await settle(app, pilot)
            text = screen_text(app)
            assert "errors at onset: 5 error entries in the 6" in text and "(none in the 6 h before)" in text
            assert emu.calls["ListLogEntries"] == 1
            row = next(line for line in text.splitlines() if "sessionizer" in line and "CAUSE" in line)
            assert "errors system lag" in row
    finally:
        emu.stop()
