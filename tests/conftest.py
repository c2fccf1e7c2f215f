"""Every test runs as a new user on a new machine: its own empty $HOME, config and cache
directories, and none of the developer's atlas, GitHub or Google settings. A test that
needs one of these variables sets it itself (monkeypatch or an explicit env mapping)."""

from __future__ import annotations

import os

import pytest

# Google's credential lookup (ADC) ends by probing the GCE metadata server at 169.254.169.254:
# traffic off loopback. A test without credentials must learn "none" without it; google-auth
# reads this once, when it is first imported, so it is set before any test imports it.
os.environ["NO_GCE_CHECK"] = "true"

# Read by atlas or by the client libraries it uses; a developer's values must not leak in.
AMBIENT = (
    "ATLAS_CATALOG", "ATLAS_CACHE_DIR", "ATLAS_KEYMAP", "ATLAS_GITHUB_PACING",
    "ATLAS_GITHUB_BACKOFF", "ATLAS_GITHUB_RETRIES", "ATLAS_EXIT_AFTER_FIRST_FRAME",
    "ATLAS_FIRST_FRAME_FILE", "ATLAS_USER",
    "GITHUB_TOKEN", "GH_TOKEN", "GITHUB_API_URL",
    "MONITORING_EMULATOR_HOST", "LOGGING_EMULATOR_HOST",
    "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CONFIG",
    "XDG_DATA_HOME", "XDG_STATE_HOME",
    # a terminal's settings change what Textual draws, so every snapshot (TEXTUAL_THEME and
    # the other TEXTUAL_* are read when Textual is imported, before any fixture: not here)
    "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "COLORTERM",
)


@pytest.fixture(autouse=True)
def new_user_home(tmp_path_factory, monkeypatch):
    """A fresh $HOME with XDG config and cache inside it (so `~/.config/atlas/keymap.toml`
    is what a screen shows); nothing a test does reaches the real home directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)
    # the tour takes $USER as the person touring when it is a person id: no developer's name
    monkeypatch.setenv("USER", "atlas-test-user")
    monkeypatch.setenv("LOGNAME", "atlas-test-user")
    return home
