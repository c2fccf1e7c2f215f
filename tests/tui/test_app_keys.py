"""App-wide keys: help, the command palette, area switching, read-only, remapping, console link."""

from __future__ import annotations

from atlas.tui.screens.help import HelpScreen

from .conftest import SIZE, settle, until
from .screen_text import Notices, screen_text


async def test_help_lists_every_key_of_the_current_screen(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Catalog: keys" in text
        for key, binding_id in [("/", "catalog.filter"), ("t", "app.triage"), ("r", "app.runbook"),
                                ("^r", "app.refresh"), ("x", "app.experiments"), (": ^p", "app.palette"),
                                ("⏎", "list.open"), ("space", "list.fold")]:
            line = next((ln for ln in text.splitlines() if binding_id in ln), "")
            assert line.split("│")[0].split("█")[-1].strip() == key, (binding_id, line)
        await pilot.press("end")  # the caption under the table names the keymap file
        await pilot.pause()
        assert "Remap keys in ~/.config/atlas/keymap.toml" in screen_text(app)
        await pilot.press("escape", "g")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Graph: keys" in text and "graph.blast" in text and "graph.more" in text


async def test_one_letter_per_area_and_esc_goes_back(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for key, title in [("t", "Triage"), ("g", "Graph"), ("h", "Handover"), ("c", "Catalog")]:
            await pilot.press(key)
            assert await until(pilot, lambda: app.screen.TITLE == title), (key, app.screen.TITLE)
        await pilot.press("h")
        assert await until(pilot, lambda: app.screen.TITLE == "Handover")
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen.TITLE == "Catalog")
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen.TITLE == "Handover")  # back walks the areas


async def test_command_palette_offers_area_verb_commands(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("colon")
        await pilot.pause()
        await pilot.press(*"triage")
        assert await until(pilot, lambda: "triage: open" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.TITLE == "Triage"


async def test_palette_opens_any_component_by_id(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"explain")
        assert await until(pilot, lambda: "component: open explain-svc" in screen_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.component_id == "explain-svc"


async def test_read_only_hides_what_writes(source, make_app):
    app = make_app(source, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "READ-ONLY" in screen_text(app).splitlines()[0]
        await pilot.press("x")  # the experiments list stays readable...
        await settle(app, pilot)
        assert app.screen.TITLE == "Experiments"
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "experiments.plan" in text  # reading a plan stays...
        assert "experiments.apply" not in text  # ...but opening pull requests is gone
        assert "experiments.new" not in text  # ...and so is the wizard, which writes a manifest
        await pilot.press("escape", "n")
        await pilot.pause()
        assert app.screen.TITLE == "Experiments"  # no wizard


async def test_keys_remapped_from_the_keymap_file(source, make_app, tmp_path):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"app.triage" = "T"\n"catalog.filter" = "f"\n', encoding="utf-8")
    app = make_app(source, keymap_file=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.TITLE == "Catalog"
        await pilot.press("T")
        await pilot.pause()
        assert app.screen.TITLE == "Triage"
        await pilot.press("c", "f", *"redis")
        await pilot.pause()
        assert "feature-cache" in screen_text(app) and "sessionizer" not in screen_text(app)


async def test_broken_keymap_is_one_line_and_defaults_stay(source, make_app, tmp_path):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"app.triage" = \n', encoding="utf-8")
    app = make_app(source, keymap_file=keymap)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        assert any("keymap" in m and "using the default keys" in m for m in notices.messages())
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.TITLE == "Triage"


async def test_o_gives_the_console_link_of_the_selected_component(source, make_app, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    from atlas.catalog.model import LogFilterTemplate

    source.catalog.log_filters.append(LogFilterTemplate(("dataflow_job",), 'resource.labels.job_name="{id}"'))
    app = make_app(source)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        await pilot.press("o")  # the first row: sessionizer, the top cause
        await pilot.pause()
        messages = notices.messages()
        assert any(m.startswith("https://console.cloud.google.com/logs/query") and "sessionizer" in m
                   and "shop-data" in m for m in messages), messages


async def test_demo_mode_shows_the_badge(catalog, make_app):
    from .product import ScriptedServices

    source = ScriptedServices(catalog, demo=True)
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert " DEMO " in screen_text(app).splitlines()[0]
        assert source.started


async def test_palette_filter_command_opens_the_filter_from_anywhere(source, make_app):
    app = make_app(source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "colon", *"c: filt")
        assert await until(pilot, lambda: "catalog: filter" in screen_text(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.TITLE == "Catalog"
        await pilot.press(*"crit")
        await pilot.pause()
        rows = app.screen.component_list.rows
        assert [r.component for r in rows if r.component] == ["sessionizer"]
