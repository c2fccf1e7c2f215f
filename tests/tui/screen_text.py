"""What a user would read on the terminal: the visible screen as plain text."""

from __future__ import annotations

import io

from rich.console import Console
from textual.notifications import Notify


def screen_text(app) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


class Notices:
    """What the app told the user in notifications: every Notify message, recorded through
    run_test's public message_hook (`app.run_test(message_hook=notices)`)."""

    def __init__(self) -> None:
        self.seen = []

    def __call__(self, message) -> None:
        if isinstance(message, Notify):
            self.seen.append(message.notification)

    def messages(self, severity: str | None = None) -> list[str]:
        return [n.message for n in self.seen if severity is None or n.severity == severity]
