"""The component screen of a Kubeflow recurring run: its last runs as a timeline, the failed
task named (the runs come from the services, here scripted)."""

from __future__ import annotations

from atlas.catalog.model import Component
from atlas.kubeflow.model import PipelineRun, TaskRun

from .conftest import SIZE, settle
from .product import NOW, ScriptedServices
from .screen_text import screen_text


def _runs() -> list[PipelineRun]:
    ok = [PipelineRun(f"r{i}", f"nightly-{i}", "rr", "SUCCEEDED", NOW - i * 86400, NOW - i * 86400 + 3600,
                      (TaskRun("trainer", "SUCCEEDED", NOW - i * 86400, NOW - i * 86400 + 3600),))
          for i in range(1, 5)]
    failed = PipelineRun("r0", "nightly-0", "rr", "FAILED", NOW - 3600, NOW - 1800,
                         (TaskRun("trainer", "FAILED", NOW - 3600, NOW - 1800, "OOMKilled"),))
    return [failed, *ok]


class RunsServices(ScriptedServices):
    def recent_runs(self, component_id: str):
        assert component_id == "nightly"
        return _runs()


async def test_a_recurring_runs_screen_shows_its_last_runs_with_the_failed_task(catalog, make_app):
    catalog.components["nightly"] = Component("nightly", "kubeflow_recurring_run", system="serving", owner="science",
                                              labels={"kubeflow": "kfp", "recurring_run": "nightly"})
    app = make_app(RunsServices(catalog))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_component("nightly")
        await settle(app, pilot)
        text = screen_text(app)
    assert "Last runs (Kubeflow)" in text
    assert "✓ ✓ ✓ ✓ ✗" in text  # oldest to newest
    assert "FAILED: trainer failed" in text and "at 13:43: OOMKilled" in text  # wrapped in the column


async def test_other_components_have_no_runs_section(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_component("ranker-svc")
        await settle(app, pilot)
        assert "Last runs" not in screen_text(app)
