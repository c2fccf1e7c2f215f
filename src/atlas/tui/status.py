"""How a health status looks: a glyph and a word (readable without colour) and a colour."""

from __future__ import annotations

from rich.text import Text

from atlas.health.model import Status

GLYPH = {
    Status.OK: "●",
    Status.WARN: "▲",
    Status.CRIT: "✖",
    Status.NO_DATA: "○",
    Status.STALE: "◷",
    Status.ERROR: "!",
}
WORD = {
    Status.OK: "OK",
    Status.WARN: "WARN",
    Status.CRIT: "CRIT",
    Status.NO_DATA: "NO DATA",
    Status.STALE: "STALE",
    Status.ERROR: "ERROR",
}
COLOUR = {
    Status.OK: "green",
    Status.WARN: "yellow",
    Status.CRIT: "bold red",
    Status.NO_DATA: "grey62",
    Status.STALE: "magenta",
    Status.ERROR: "dark_orange",
}
# Most urgent first: the order of the header counts.
ORDER = (Status.CRIT, Status.WARN, Status.STALE, Status.ERROR, Status.NO_DATA, Status.OK)

BADGE_WIDTH = 9  # "✖ NO DATA" is the longest


def badge(status: Status, *, stale: bool = False, width: int | None = None) -> Text:
    """`✖ CRIT`; values kept from before a failed refresh get a `~` (stale) mark."""
    text = f"{GLYPH[status]} {WORD[status]}{'~' if stale else ''}"
    if width:
        text = text.ljust(width)
    out = Text()
    out.append(text, style=COLOUR[status] + (" italic" if stale else ""))
    return out


def glyph(status: Status) -> Text:
    out = Text()
    out.append(GLYPH[status], style=COLOUR[status])
    return out
