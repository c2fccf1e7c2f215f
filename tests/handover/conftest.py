"""Fixtures for the handover tests: a fixed 'today', small catalogs built in code, and a
writable copy of the sample workspace."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from atlas.catalog.loader import load_catalog

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 27)


def load(root: Path):
    result = load_catalog(root)
    assert result.ok, [p.format() for p in result.problems if p.is_error]
    return result.catalog


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture(scope="session")
def sample():
    """The bundled sample catalog, read-only."""
    return load(ROOT / "catalog")


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample workspace (catalog, runbooks, scenarios): its root."""
    for name in ("catalog", "runbooks", "scenarios"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
