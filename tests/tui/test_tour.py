"""The onboarding tour on a copy of the sample catalog: who is touring, stops in data-flow
order, the card with live status and the runbook beside it, and `m` recording what the
person learned in the copied TOML (one line, nothing else), hidden in read-only mode."""

from __future__ import annotations

import difflib

from textual.widgets import OptionList

from atlas.catalog.loader import load_catalog
from atlas.handover.tour import build_tour
from atlas.health.model import ComponentHealth, Status
from atlas.tui.handover.pickers import LevelPicker, PersonPicker
from atlas.tui.screens.handover import HandoverScreen
from atlas.tui.screens.tour import TourScreen

from .conftest import SIZE
from .screen_text import Notices, screen_text
from .test_handover_screen import NOW, make_app, settle, workspace  # noqa: F401

PIPELINES = "catalog/systems/data-pipelines.toml"


async def start_tour(app, pilot) -> TourScreen:
    await settle(app, pilot)
    await pilot.press("T")
    await settle(app, pilot)
    assert isinstance(app.screen, TourScreen)
    return app.screen


async def test_the_tour_walks_the_product_in_data_flow_order(workspace):
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        tour = await start_tour(app, pilot)
        catalog = app.workspace.catalog
        order = [s.component for s in build_tour(catalog, app.workspace.graph, "amara").stops]
        assert tour.person == "amara"  # from ATLAS_USER
        # amara already knows the first two stops: the tour resumes at the first she does not
        assert tour.stop.system == "data-pipelines"
        assert tour.stop.component == "catalog-enricher" == order[2]
        text = screen_text(app)
        assert "Tour for Amara Okafor (amara) · stop 3 of 50 · Data pipelines" in text
        assert "○ amara has not learned it yet" in text
        assert "No runbook for catalog-enricher" in text

        await pilot.press("n")
        assert tour.stop.component == order[3]
        await pilot.press(*["right"] * (order.index("clickstream-raw") - 3))
        assert tour.stop.component == "clickstream-raw"
        text = screen_text(app)
        assert "✔ amara knows it: expert" in text  # a stop she knows shows her level
        assert "recs-core supports it until 2026-12-15 (18 days left)" in text
        assert "Pub/Sub ingest" in text  # its runbook, rendered beside the card
        assert "downstream  ○ clickstream-raw-df" in text
        assert "upstream  ○ event-logger" in text  # where its data comes from (no health here)
        await pilot.press("p", "left")
        assert tour.stop.component == order[order.index("clickstream-raw") - 2]
        # the data's order, across systems: the service that publishes before its topic
        assert order.index("event-logger") == order.index("clickstream-raw") - 1
        assert catalog.components["event-logger"].system == "serving"
        await pilot.press("escape")
        assert isinstance(app.screen, HandoverScreen)


async def test_mark_learned_writes_one_line_of_that_persons_knowledge(workspace):
    before = (workspace / PIPELINES).read_text(encoding="utf-8")
    app = make_app(workspace)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        tour = await start_tour(app, pilot)
        assert tour.stop.component == "catalog-enricher"
        await pilot.press("m")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, LevelPicker)
        options = picker.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == "can-operate"  # the default
        await pilot.press("down", "enter")  # can-debug
        await settle(app, pilot)
        assert app.screen is tour
        assert "Recorded: amara can-debug on catalog-enricher (catalog/systems/data-pipelines.toml)" in notices.messages()
        assert "✔ amara knows it: can-debug" in screen_text(app)
        assert "learned 11 of 50" in screen_text(app)

        await pilot.press("escape")  # back on the plan, rebuilt with what she learned
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.screen.plan.readiness["catalog-enricher"].debuggers == ["amara"]

    after = (workspace / PIPELINES).read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ['+amara = "can-debug"']
    reloaded = load_catalog(workspace / "catalog").catalog
    assert reloaded.components["catalog-enricher"].handover.knowledge == {"tomas": "heard-of", "amara": "can-debug"}


async def test_marking_a_known_stop_changes_only_its_level(workspace):
    before = (workspace / PIPELINES).read_text(encoding="utf-8")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        tour = await start_tour(app, pilot)
        await pilot.press("p", "p")  # clickstream-raw-df... the first stop amara knows
        stop = tour.stop
        assert stop.level is not None
        await pilot.press("m")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == stop.level  # starts on hers
        await pilot.press("up", "enter")
        await settle(app, pilot)
    after = (workspace / PIPELINES).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 1
    assert changed[0][0].startswith("amara = ") and changed[0][1].startswith("amara = ")


async def test_read_only_hides_mark_learned_and_writes_nothing(workspace):
    before = (workspace / PIPELINES).read_text(encoding="utf-8")
    app = make_app(workspace, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        tour = await start_tour(app, pilot)
        keys = screen_text(app).splitlines()[-1]
        assert "n next" in keys and "mark learned" not in keys
        assert "m: record it" not in screen_text(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert app.screen is tour
    assert (workspace / PIPELINES).read_text(encoding="utf-8") == before


async def test_someone_unknown_is_asked_who_is_touring(workspace, monkeypatch):
    monkeypatch.delenv("ATLAS_USER")
    monkeypatch.setenv("USER", "root")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        assert isinstance(app.screen, PersonPicker)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids.index("priya") < ids.index("lena")  # the new teams first, the leaving one last
        options.highlighted = ids.index("priya")
        await pilot.press("enter")
        await settle(app, pilot)
        tour = app.screen
        assert isinstance(tour, TourScreen) and tour.person == "priya"
        assert "Tour for Priya Raman (priya)" in screen_text(app)


async def test_live_status_shows_on_the_card(workspace):
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        tour = await start_tour(app, pilot)

        class Snapshot:
            components = {"catalog-enricher": ComponentHealth("catalog-enricher", Status.CRIT,
                                                              "job failed 3 min ago"),
                          "catalog-updates-df": ComponentHealth("catalog-updates-df", Status.OK, "all signals OK")}
            taken_at = NOW
            errors: list = []

        app.health.accept(Snapshot(), [])
        app.health_version += 1
        await settle(app, pilot)
        assert tour.stop.component == "catalog-enricher"
        text = screen_text(app)
        assert "✖ CRIT  catalog-enricher" in text and "job failed 3 min ago" in text
        assert "upstream  ● catalog-updates-df" in text


def test_snapshot(workspace, snap_compare):
    app = make_app(workspace)

    async def run_before(pilot) -> None:
        await start_tour(pilot.app, pilot)
        await pilot.press("n", "n", "n")
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
