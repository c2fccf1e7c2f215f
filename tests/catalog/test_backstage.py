"""Backstage export and import: what goes out comes back the same."""

from __future__ import annotations

from click.testing import CliRunner
from ruamel.yaml import YAML

from atlas.catalog.backstage import export_yaml
from atlas.catalog.loader import load_catalog
from atlas.cli import cli
from tests.catalog.product import write_product


def summary(catalog):
    return {
        "components": {c.id: (c.kind, c.owner, c.system, c.depends_on, c.runbook, c.repo, c.project, c.mode,
                              dict(c.labels), c.handover) for c in catalog.components.values()},
        "systems": {s.id: (s.owner, s.project, s.order) for s in catalog.systems.values()},
        "teams": {t.id: (t.name, t.chat, t.oncall, t.new_owner) for t in catalog.teams.values()},
        "people": {p.id: (p.team, p.name, p.email) for p in catalog.people.values()},
        "repos": {r.id: r.github for r in catalog.repos.values()},
    }


def test_export_documents(tmp_path):
    catalog = load_catalog(write_product(tmp_path)).catalog
    docs = list(YAML(typ="safe").load_all(export_yaml(catalog)))
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    assert {k for k, _ in by_name} == {"Group", "User", "System", "Component", "Resource"}
    svc = by_name[("Component", "ranker-svc")]
    assert svc["spec"] == {"type": "service", "lifecycle": "production", "owner": "group:ranking-science",
                           "system": "serving", "dependsOn": ["resource:events"]}
    assert svc["metadata"]["annotations"]["atlas/runbook"] == "runbooks/ranker-svc.md"
    assert svc["metadata"]["annotations"]["github.com/project-slug"] == "nw-recs/serving"
    assert by_name[("Resource", "events")]["spec"]["type"] == "bigquery-dataset"
    assert by_name[("Resource", "clickstream-raw-df")]["spec"]["owner"] == "group:data-eng"
    assert by_name[("User", "amara")]["spec"]["memberOf"] == ["ranking-science"]
    assert list(docs[0]) == ["apiVersion", "kind", "metadata", "spec"]


def test_round_trip_export_import_gives_the_same_catalog(tmp_path):
    root = write_product(tmp_path / "a")
    runner = CliRunner()
    out = tmp_path / "catalog-info.yaml"
    r = runner.invoke(cli, ["export", "backstage", "--catalog", str(root), "--output", str(out)])
    assert r.exit_code == 0, r.output
    target = tmp_path / "b" / "catalog"
    r = runner.invoke(cli, ["import", "backstage", str(out), "--into", str(target)])
    assert r.exit_code == 0, r.output
    assert "imported 5 components, 2 systems, 4 teams, 2 people" in r.output
    original = load_catalog(root)
    imported = load_catalog(target)
    assert [p for p in imported.problems if p.is_error] == []
    assert summary(imported.catalog) == summary(original.catalog)


def test_import_refuses_to_overwrite_without_force(tmp_path):
    root = write_product(tmp_path / "a")
    out = tmp_path / "catalog-info.yaml"
    out.write_text(export_yaml(load_catalog(root).catalog))
    target = tmp_path / "b" / "catalog"
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "backstage", str(out), "--into", str(target)]).exit_code == 0
    before = (target / "teams.toml").read_text()
    (target / "teams.toml").write_text("# mine\n")
    r = runner.invoke(cli, ["import", "backstage", str(out), "--into", str(target)])
    assert r.exit_code == 1 and "would overwrite" in r.output and "--force" in r.output
    assert (target / "teams.toml").read_text() == "# mine\n"
    assert runner.invoke(cli, ["import", "backstage", str(out), "--into", str(target), "--force"]).exit_code == 0
    assert (target / "teams.toml").read_text() == before


def test_import_plain_backstage_files(tmp_path):
    """Files written for Backstage by hand: no atlas annotations, namespaced refs."""
    (tmp_path / "a.yaml").write_text("""\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: Payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout, description: Takes the money}
spec: {type: service, lifecycle: production, owner: group:default/payments, system: shop,
       dependsOn: ["resource:default/orders-db"]}
""")
    (tmp_path / "b.yaml").write_text("""\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-db}
spec: {type: database, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: checkout-api}
spec: {type: grpc}
""")
    target = tmp_path / "catalog"
    r = CliRunner().invoke(cli, ["import", "backstage", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"),
                                 "--into", str(target)])
    assert r.exit_code == 0, r.output
    assert "kind API has no atlas equivalent; skipped" in r.output
    catalog = load_catalog(target).catalog
    assert catalog.components["checkout"].kind == "grpc_service"
    assert catalog.components["checkout"].depends_on == ("orders-db",)
    assert catalog.components["orders-db"].kind == "bigquery_dataset"
    assert catalog.components["checkout"].owner == "payments" and "payments" in catalog.teams


def test_import_bad_yaml_is_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Component\nmetadata: [unclosed\n")
    r = CliRunner().invoke(cli, ["import", "backstage", str(bad), "--into", str(tmp_path / "c")])
    assert r.exit_code == 1
    assert r.output.startswith(f"atlas: {bad}:") and "YAML syntax error" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_yaml_is_loaded_safely(tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    r = CliRunner().invoke(cli, ["import", "backstage", str(evil), "--into", str(tmp_path / "c")])
    assert r.exit_code == 1 and "pwned" not in r.output
