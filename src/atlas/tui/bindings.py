"""Every key of the app, each with a stable id so users can remap it.

A keymap file maps binding ids to keys (Textual keymaps), for example:

    # ~/.config/atlas/keymap.toml   (or the file named by $ATLAS_KEYMAP)
    "app.triage" = "T"
    "app.quit" = "ctrl+q"
    "catalog.filter" = "slash,f"

It is read with tomllib at start-up; unknown ids are ignored, a broken file is reported in
one line and the defaults stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from textual.binding import Binding

APP_BINDINGS = [
    # `:` and ctrl+p both open the palette; only `:` is printable, so only it gives way to a form
    Binding("colon", "palette_key", "command", id="app.palette", key_display=":", show=False),
    Binding("ctrl+p", "command_palette", "command", id="app.palette.ctrl", show=False),
    Binding("question_mark", "help", "help", id="app.help", key_display="?"),
    Binding("c", "show_catalog", "catalog", show=False, id="app.catalog"),
    Binding("t", "show_triage", "triage", id="app.triage"),
    Binding("g", "show_graph", "graph", id="app.graph"),
    Binding("x", "show_experiments", "experiments", show=False, id="app.experiments"),
    Binding("h", "show_handover", "handover", show=False, id="app.handover"),
    Binding("b", "blast_radius", "blast radius", id="app.blast"),
    Binding("r", "runbook", "runbook", id="app.runbook"),
    Binding("l", "logs", "logs", id="app.logs"),
    Binding("o", "open_console", "console", id="app.console"),
    Binding("ctrl+r", "refresh_health", "refresh", show=False, id="app.refresh"),
    Binding("q", "quit", "quit", id="app.quit"),
    Binding("D", "show_discovery", "discovery", show=False, id="app.discovery"),
]



MAX_KEYMAP_BYTES = 1024 * 1024


def keymap_path(env: Mapping[str, str]) -> Path:
    """$ATLAS_KEYMAP, else $XDG_CONFIG_HOME/atlas/keymap.toml, else ~/.config/atlas/keymap.toml."""
    configured = env.get("ATLAS_KEYMAP")
    if configured:
        return Path(configured).expanduser()
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    base = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return base / "atlas" / "keymap.toml"


def shown_path(path: Path, home: Path | None = None) -> str:
    """The path as a user would type it: `~/...` under the home directory, else in full
    (so the help caption has the same width on every machine for the default file)."""
    home = home or Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def load_keymap(path: Path) -> tuple[dict[str, str], str]:
    """(binding id -> keys, problem line or ""). A missing file is no problem."""
    from atlas.fsutil import read_regular

    try:
        # read_regular: a FIFO named as the keymap would block start-up before the first frame
        raw = read_regular(path, MAX_KEYMAP_BYTES)
    except FileNotFoundError:
        return {}, ""  # the usual case: tomllib is not even imported
    except OSError as exc:
        return {}, f"keymap {path}: {exc.strerror or exc}; using the default keys"
    import tomllib

    from atlas.bounded import InputLimitError, toml_loads

    try:
        data = toml_loads(raw.decode("utf-8"), f"keymap {path}")
    except InputLimitError as exc:
        return {}, f"{exc}; using the default keys"
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, f"keymap {path}: {' '.join(str(exc).split())}; using the default keys"
    keymap = {str(k): v for k, v in data.items() if isinstance(v, str)}
    bad = sorted(str(k) for k, v in data.items() if not isinstance(v, str))
    problem = f"keymap {path}: {', '.join(bad)}: the value must be a key string like \"ctrl+t\"" if bad else ""
    return keymap, problem
