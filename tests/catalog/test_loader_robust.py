"""Whatever a catalog file holds, loading reports problems and never raises."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas.catalog.fields import COMPONENT
from atlas.catalog.loader import load_catalog

KEYS = [f.name for f in COMPONENT.fields] + ["ownr", "handover", "knowledge", "stage"]
scalars = st.one_of(
    st.text(max_size=12), st.integers(-5, 5), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["a", "b", "grpc_service", "model", "shadowing", "expert", "../x.md", "/abs"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)), max_leaves=8)
entities = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
documents = st.dictionaries(
    st.sampled_from(["component", "team", "person", "system", "signal", "atlas", "repo", "log_filter", "x"]),
    st.one_of(st.lists(entities, max_size=4), entities, scalars), max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_document_loads_without_raising(doc):
    try:
        text = tomlkit.dumps(doc)
    except Exception:  # noqa: BLE001 - tomlkit cannot write every generated shape; not our code
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        root.mkdir()
        (root / "a.toml").write_text(text)
        result = load_catalog(root)
        for p in result.problems:
            assert p.file is not None and p.message and p.severity in ("error", "warning")
            assert "Traceback" not in p.format()
