"""Forms own their keys: one rule, checked by the app for every screen.

While a text field, a select, a text area or any part of a form has focus, the app's
one-letter verbs (`q` quit, `t` triage, `g` graph, `r` runbook, ...) are refused, so the
letter stays input (or does nothing) and never quits, nor changes screen. A screen (or any
container) declares itself a form with `FORM = True`; every wizard step does. `esc` and
`ctrl+` keys still work: they are how a user leaves a form on purpose.
"""

from __future__ import annotations

from functools import lru_cache

from textual.widget import Widget

# The app's verbs bound to printable keys (see atlas.tui.bindings): refused inside a form.
PRINTABLE_VERBS = frozenset({
    "quit", "help", "palette_key", "show_catalog", "show_triage", "show_graph", "show_experiments",
    "show_handover", "runbook", "logs", "open_console", "blast_radius",
})
# Textual's field widgets (and their subclasses), known by name: importing Select,
# SelectionList and TextArea to test isinstance would cost the first frame ~5 ms, and no
# widget can be one of them before its module was imported anyway.
_FIELDS = frozenset({"Input", "Select", "SelectionList", "TextArea"})


@lru_cache(maxsize=None)
def _is_field(widget_type: type) -> bool:
    return any(cls.__name__ in _FIELDS and cls.__module__.startswith("textual.widgets.")
               for cls in widget_type.__mro__)


def in_form(focused: Widget | None, screen: object = None) -> bool:
    """True when the focus is in a field, or anywhere inside a screen/container marked FORM."""
    if screen is not None and getattr(screen, "FORM", False):
        return True
    node = focused
    while node is not None:
        if _is_field(type(node)) or getattr(node, "FORM", False):
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def refused(action: str, focused: Widget | None, screen: object = None) -> bool:
    """An app verb that a form's focus keeps for itself."""
    return action in PRINTABLE_VERBS and in_form(focused, screen)
