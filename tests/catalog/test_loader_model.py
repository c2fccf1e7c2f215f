"""What a good catalog loads into."""

from __future__ import annotations

import datetime as dt

from atlas.catalog.loader import load_catalog
from tests.catalog.product import write_product
from tests.helpers import component, write_catalog


def test_product_slice_loads_clean(tmp_path):
    result = load_catalog(write_product(tmp_path))
    assert result.ok and result.problems == []
    c = result.catalog
    assert c.name == "nw-recs" and c.workspace == tmp_path
    svc = c.components["ranker-svc"]
    assert svc.depends_on == ("events",) and svc.owner == "ranking-science"
    assert svc.handover.support_until == dt.date(2027, 2, 28) and svc.handover.knowledge == {"amara": "can-debug"}
    assert svc.signal_overrides == {"grpc-error-ratio": {"warn": 2}}
    assert [s.id for s in c.signals_for(c.components["clickstream-sessionizer"])] == ["dataflow-system-lag"]
    assert c.log_filter_for(svc) == 'resource.type="k8s_container" AND resource.labels.container_name="ranker-svc"'
    assert c.repos["serving"].url == "https://github.com/nw-recs/serving"
    assert len(result.files) == 6


def test_project_comes_from_the_system_then_the_default(tmp_path):
    root = write_catalog(
        tmp_path,
        [component("a", system="s"), component("b", system="s", project="own"), component("c")],
        systems=[{"id": "s", "project": "sys-proj"}],
        projects=[{"id": "sys-proj"}, {"id": "own"}, {"id": "fallback"}],
        atlas={"name": "x", "default_project": "fallback"},
    )
    comps = load_catalog(root).catalog.components
    assert (comps["a"].project, comps["b"].project, comps["c"].project) == ("sys-proj", "own", "fallback")


def test_experiments_dir_and_hidden_files_are_not_read(tmp_path):
    root = write_catalog(tmp_path, [component("a")], files={
        "experiments/exp-1.toml": 'id = "exp-1"\nstate = "draft"\n',
        ".scratch.toml": "not toml at all [",
        "systems/experiments/real.toml": '[[component]]\nid = "b"\nkind = "model"\n',
    })
    result = load_catalog(root)
    assert result.ok and sorted(result.catalog.components) == ["a", "b"]


def test_second_atlas_table_is_an_error(tmp_path):
    root = write_catalog(tmp_path, [component("a")], atlas={"name": "one"}, files={"more.toml": '[atlas]\nname = "two"\n'})
    result = load_catalog(root)
    (p,) = result.errors
    assert p.code == "duplicate-atlas" and "exactly one file" in p.message and result.catalog.name == "one"


def test_signal_type_needs_its_fields(tmp_path):
    root = write_catalog(tmp_path, signals=[{"id": "s", "kinds": ["model"], "type": "log"},
                                            {"id": "r", "kinds": ["model"], "type": "ratio", "metric_type": "m"}])
    got = {(p.entity, p.field, p.message) for p in load_catalog(root).problems}
    assert got == {("signal s", "log_filter", "a log signal needs log_filter"),
                   ("signal r", "ratio_label", "a ratio signal needs metric_type and ratio_label")}
