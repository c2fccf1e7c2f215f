"""Forms own their keys: letters that are app verbs (q quit, t triage, g graph, r runbook)
typed into every field of the wizard are text, never commands; leaving with input asks."""

from __future__ import annotations

from textual.widgets import Input, Select

from atlas.tui.wizard.backend import ExperimentsBackend
from atlas.tui.wizard.parameters import ParametersStep
from atlas.tui.wizard.start import IdentityStep, TemplateStep
from atlas.tui.wizard.step import ConfirmLeave

from .screen_text import screen_text
from .test_wizard import SIZE, Host, catalog_dir, emulator, seed, services_for, settle, workdir  # noqa: F401

APP_LETTERS = "qtgr"


async def type_app_letters(app, pilot, selector: str) -> str:
    """Focus the field, clear it, type q t g r (and a few more app keys) key by key."""
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*APP_LETTERS, "x", "h", "c", "b", "l", "o", "question_mark", "colon")
    return field.value


async def test_app_letters_in_every_wizard_field_are_text(catalog_dir, emulator):
    backend = ExperimentsBackend(services_for(catalog_dir))
    app = Host(backend.services, lambda: TemplateStep(backend))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, TemplateStep)
        await pilot.press(*APP_LETTERS)  # on the template list: still a form step
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, TemplateStep)
        await pilot.press("enter")
        await settle(app, pilot)
        identity = app.screen
        assert isinstance(identity, IdentityStep)
        for selector in ("#input-id", "#input-hypothesis", "#input-coverage"):
            assert await type_app_letters(app, pilot, selector) == "qtgrxhcblo?:"
            assert app.is_running and app.screen is identity
        owner = identity.query_one("#owner", Select)
        owner.focus()
        await pilot.press(*APP_LETTERS)  # a closed select: the letters do nothing at all
        await settle(app, pilot)
        assert app.is_running and app.screen is identity
        # Next with bad fields moves the focus to the first problem; "test" is typed there
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.screen is identity
        await pilot.press(*"test", "enter")
        await settle(app, pilot)
        assert app.is_running and app.screen is identity, screen_text(app)
        # fill it in properly, with app letters inside the values
        for selector, value in (("#input-id", "exp-qtgr-test"), ("#input-hypothesis", "qtgr lifts NDCG")):
            box = identity.query_one(selector, Input)
            box.focus()
            box.value = ""
            await pilot.press(*value)
            assert box.value == value
        owner.focus()
        await pilot.press("enter", *"ran", "enter")
        box = identity.query_one("#input-coverage", Input)
        box.focus()
        box.value = "0.2"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        params = app.screen
        assert isinstance(params, ParametersStep), screen_text(app)
        for box in list(params.query(Input)):
            box.focus()
            await pilot.press(*APP_LETTERS)
            assert "qtgr" in box.value  # focus selects the old value: typing replaces it
            assert app.is_running and app.screen is params
        # esc goes back one step, keeping the fields; leaving the wizard asks first
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is identity and identity.query_one("#input-id", Input).value == "exp-qtgr-test"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, TemplateStep)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.press("q", "n")  # q does not quit from the question either; n stays
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, TemplateStep)
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, (TemplateStep, ConfirmLeave))
        await pilot.press("q")  # out of the form, q is quit again
        await settle(app, pilot)
        assert not app.is_running
