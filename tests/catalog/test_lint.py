"""Lint: warnings for the gaps a loadable catalog still has; they never fail the run."""

from __future__ import annotations

from atlas.catalog.lint import lint
from atlas.catalog.loader import load_catalog
from atlas.graph import CatalogGraph
from tests.catalog.product import SIGNALS, write_product
from tests.helpers import component, write_catalog


def run_lint(root):
    result = load_catalog(root)
    assert result.ok, [p.format() for p in result.problems]
    return {(p.code, p.entity) for p in lint(result.catalog, CatalogGraph(result.catalog))}, result


def test_gaps_of_the_product_slice_are_warnings(tmp_path):
    found, _ = run_lint(write_product(tmp_path))
    assert found == {
        ("no-runbook", "component events"),
        ("no-signals", "component events"),
        ("no-runbook", "component recs-api"),
        ("no-oncall", "team serving-platform"),
    }


def test_missing_owner_orphan_and_missing_signal_label(tmp_path):
    root = write_catalog(
        tmp_path,
        [
            component("a", kind="pubsub_subscription", runbook="runbooks/a.md", owner="sre", system="s",
                      labels={"subscription_id": "a"}),
            component("b", kind="pubsub_subscription", runbook="runbooks/b.md", system="s", depends_on=["a"]),
            component("lonely", kind="pubsub_subscription", runbook="runbooks/l.md", owner="sre", system="s",
                      labels={"subscription_id": "lonely"}),
        ],
        signals=SIGNALS[:1],
    )
    found, result = run_lint(root)
    assert found == {("no-owner", "component b"), ("orphan", "component lonely"),
                     ("missing-label", "component b")}
    problems = lint(result.catalog, CatalogGraph(result.catalog))
    label = next(p for p in problems if p.code == "missing-label")
    assert label.message == "signal pubsub-oldest-unacked needs label subscription_id"
    assert all(p.severity == "warning" and p.file is not None and p.line for p in problems)
