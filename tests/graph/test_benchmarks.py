"""The scale generator writes a real catalog, and the benchmark runner prints its figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.catalog.loader import load_catalog
from atlas.graph import CatalogGraph

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    generate(1200, out, seed=11)
    return out


def test_generated_catalog_loads_cleanly_in_the_real_format(workspace):
    result = load_catalog(workspace / "catalog")
    assert [p.format() for p in result.problems if p.is_error] == []
    catalog = result.catalog
    assert len(catalog.components) == 1200
    assert len(catalog.systems) == 2  # ~500 components per system file
    assert sorted(p.name for p in (workspace / "catalog" / "systems").iterdir()) == ["clicks.toml", "search.toml"]
    assert catalog.teams and catalog.people and catalog.projects and catalog.repos


def test_generated_catalog_has_a_realistic_shape(workspace):
    catalog = load_catalog(workspace / "catalog").catalog
    graph = CatalogGraph(catalog)
    kinds = {c.kind for c in catalog.components.values()}
    assert {"pubsub_topic", "pubsub_subscription", "dataflow_job", "bigquery_dataset", "model", "grpc_service"} <= kinds
    order = graph.topological_order()
    position = {c: i for i, c in enumerate(order)}
    assert all(position[u] < position[v] for u, v in graph.g.edges)  # a DAG
    fan_out = max(len(graph.dependents(c)) for c in catalog.components)
    fan_in = max(len(graph.dependencies(c)) for c in catalog.components)
    assert fan_out >= 20 and fan_in >= 3
    # Later systems read the first system's data: edges cross systems, forwards only.
    systems = [s.id for s in sorted(catalog.systems.values(), key=lambda s: s.order)]
    crossing = [(u, v) for u, v in graph.g.edges
                if catalog.components[u].system != catalog.components[v].system]
    assert crossing
    assert all(systems.index(catalog.components[u].system) < systems.index(catalog.components[v].system)
               for u, v in crossing)


def test_labels_fill_every_signal_template_and_most_runbooks_exist(workspace):
    catalog = load_catalog(workspace / "catalog").catalog
    for c in catalog.components.values():
        for signal in catalog.signals_for(c):
            missing = [label for label in signal.resource_labels if label not in c.labels]
            assert not missing, f"{c.id} lacks {missing} for {signal.id}"
    with_runbook = [c for c in catalog.components.values() if c.runbook]
    assert 0.75 < len(with_runbook) / len(catalog.components) < 0.95
    assert all(catalog.runbook_path(c).is_file() for c in with_runbook)


def test_same_seed_same_bytes_other_seed_other_catalog(tmp_path):
    def snapshot(path: Path) -> dict[str, bytes]:
        return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}

    generate(300, tmp_path / "a", seed=5)
    generate(300, tmp_path / "b", seed=5)
    generate(300, tmp_path / "c", seed=6)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_generator_command_line_refuses_a_used_directory_in_one_line(tmp_path):
    script = str(BENCHMARKS / "generate.py")
    first = subprocess.run([sys.executable, script, "50", str(tmp_path)], capture_output=True, text=True)
    assert first.returncode == 0 and "wrote 50 components" in first.stdout
    again = subprocess.run([sys.executable, script, "50", str(tmp_path)], capture_output=True, text=True)
    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0 and "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_runner_prints_catalog_figures_with_floors_and_goals():
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--only", "catalog", "--n", "400", "--quick", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["failed"] == []
    figures = {f["name"].strip(): f for f in report["figures"]}
    load = figures["load + validate + graph, 400 components"]
    assert load["floor"] > 0 and load["ratio"] == pytest.approx(load["value"] / load["floor"])
    assert load["goal"] == "<= 2x floor"
    blast = figures["blast radius, median of 200 random"]
    # the goal is reported, not asserted: whether a shared CI machine meets it is no test
    assert blast["unit"] == "ms" and blast["goal"] == "< 5 ms" and isinstance(blast["met"], bool)
    assert any(name.startswith("peak memory, tracemalloc") for name in figures)
    assert any(name.startswith("peak RSS") for name in figures)


def test_runner_names_an_unknown_benchmark():
    out = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--only", "nope"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "no benchmark named nope" in out.stderr and "Traceback" not in out.stderr


def test_modelled_error_logs_leave_the_replayed_incidents_as_they_were(workspace):
    # the logs draw from a stream of their own: triage without them scores what it did before
    from synth.incidents import IncidentGenerator

    catalog = load_catalog(workspace / "catalog").catalog
    graph = CatalogGraph(catalog)
    with_logs = IncidentGenerator(catalog, graph, seed=3)
    without = IncidentGenerator(catalog, graph, seed=3, error_logs=False)
    logged = 0
    for _ in range(30):
        a, b = with_logs.incident(), without.incident()
        assert (a.root, a.now, a.changes, a.failing_signals) == (b.root, b.now, b.changes, b.failing_signals)
        assert {c: (h.status, h.since) for c, h in a.components.items()} == \
               {c: (h.status, h.since) for c, h in b.components.items()}
        assert b.errors is None and a.errors is not None
        cid = next(iter(a.errors.usual))
        window = (a.now - 7200, a.now - 1800)
        assert a.errors.count(cid, *window) == a.errors.count(cid, *window)  # the same read, the same count
        logged += bool(a.errors.rates or a.errors.entries)
    assert logged  # some failures did log
