"""Shared helpers for the hardening tests: run the CLI as a user would and read what they see."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]


def atlas(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Invoke `atlas ARGS` in-process; stdout and stderr kept apart."""
    from atlas.cli import cli

    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(cli, list(args), env=env or {}, catch_exceptions=True)
    finally:
        os.chdir(old)


def assert_clean(result, code: int) -> None:
    """The user sees an exit code and messages, never a Python traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_google(tmp_path):
    """An environment with no Google credentials anywhere and no emulator variables; the
    GCE metadata check is off so nothing leaves loopback."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "CLOUDSDK_CONFIG": str(home / "gcloud"),
        "GOOGLE_APPLICATION_CREDENTIALS": None,
        "MONITORING_EMULATOR_HOST": None,
        "LOGGING_EMULATOR_HOST": None,
        "NO_GCE_CHECK": "True",  # google-auth then skips probing the GCE metadata server
    }
