"""The Handover area of the TUI: the words and pickers its two screens share.

The screens live in `atlas.tui.screens.handover` (the plan) and `atlas.tui.screens.tour`
(the onboarding tour); the core they show is `atlas.handover`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any


def app_today(app: Any) -> _dt.date:
    """The date of the app's clock (frozen in tests and screenshots), in UTC."""
    return _dt.datetime.fromtimestamp(app.clock(), tz=_dt.timezone.utc).date()
