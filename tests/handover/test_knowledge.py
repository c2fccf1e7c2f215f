"""Marking a component learned edits one knowledge entry in the TOML file and nothing else."""

from __future__ import annotations

import pytest

from atlas.catalog.loader import load_catalog
from atlas.handover.knowledge import KnowledgeError, mark_learned
from tests.handover.conftest import load


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*.toml"))}


def test_changing_a_level_changes_only_that_line_of_that_file(sample_copy):
    root = sample_copy / "catalog"
    catalog = load(root)
    before = snapshot(root)
    done = mark_learned(catalog, "feature-backfill", "jonas", "expert")
    assert (done.previous, done.level, done.changed) == ("can-debug", "expert", True)
    after = snapshot(root)
    edited = root / "systems" / "feature-store.toml"
    for path in before:
        if path != edited:
            assert after[path] == before[path], path
    old, new = before[edited].decode(), after[edited].decode()
    # exactly one line differs, and it is jonas's entry in feature-backfill's table
    start = old.index('id = "feature-backfill"')
    assert old[:start] == new[:start]
    head, tail = old[start:].split('jonas = "can-debug"', 1)
    assert new[start:] == head + 'jonas = "expert"' + tail
    assert load_catalog(root).catalog.components["feature-backfill"].handover.knowledge["jonas"] == "expert"


def test_a_new_person_is_added_as_one_line_in_that_table(sample_copy):
    root = sample_copy / "catalog"
    catalog = load(root)
    path = root / "systems" / "training.toml"
    old = path.read_text()
    mark_learned(catalog, "model-sync", "mei", "can-operate")
    new = path.read_text()
    start = old.index('id = "model-sync"')
    assert old.count('diego = "can-operate"\n') > 1  # other components have the same line
    head, tail = old[start:].split('diego = "can-operate"\n', 1)
    assert new == old[:start] + head + 'diego = "can-operate"\nmei = "can-operate"\n' + tail
    reloaded = load_catalog(root).catalog.components
    assert reloaded["model-sync"].handover.knowledge == {"diego": "can-operate", "mei": "can-operate"}
    assert reloaded["ranker-training"].handover.knowledge == catalog.components["ranker-training"].handover.knowledge


def test_a_component_without_handover_state_gets_a_knowledge_table(sample_copy):
    root = sample_copy / "catalog"
    catalog = load(root)
    path = root / "systems" / "data-pipelines.toml"
    old = path.read_text()
    mark_learned(catalog, "nw-recs-landing", "tomas", "can-operate")
    new = path.read_text()
    assert new.startswith(old.rstrip("\n"))  # everything before stays, the table is appended in place
    assert '[component.handover.knowledge]\ntomas = "can-operate"' in new[len(old.rstrip()):]
    result = load_catalog(root)
    assert result.ok
    assert result.catalog.components["nw-recs-landing"].handover.knowledge == {"tomas": "can-operate"}
    # the loaded catalog is updated in memory too, for the TUI
    assert catalog.components["nw-recs-landing"].handover.knowledge == {"tomas": "can-operate"}


def test_the_same_level_again_writes_nothing(sample_copy):
    root = sample_copy / "catalog"
    catalog = load(root)
    path = root / "systems" / "feature-store.toml"
    mtime = path.stat().st_mtime_ns
    done = mark_learned(catalog, "feature-backfill", "jonas", "can-debug")
    assert not done.changed
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("args,message", [
    (("feature-backfil", "jonas", "expert"), "unknown component 'feature-backfil' (did you mean feature-backfill?)"),
    (("feature-backfill", "jona", "expert"), "unknown person 'jona' (did you mean jonas?)"),
    (("feature-backfill", "jonas", "can-debugg"),
     "unknown knowledge level 'can-debugg' (did you mean can-debug?); one of heard-of, can-operate, can-debug, expert"),
])
def test_bad_input_is_one_clear_line_and_nothing_is_written(sample_copy, args, message):
    root = sample_copy / "catalog"
    catalog = load(root)
    before = snapshot(root)
    with pytest.raises(KnowledgeError) as err:
        mark_learned(catalog, *args)
    assert str(err.value) == message
    assert snapshot(root) == before
