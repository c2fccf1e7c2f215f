"""Format-preserving edits: every line outside the experiment's entry stays identical, and
a second application is a byte-for-byte no-op."""

from __future__ import annotations

import difflib

import pytest

from atlas.experiments.edits import apply_edit, entry_state, load_document
from atlas.experiments.errors import EditError
from atlas.experiments.expand import Entry, target_entries

from .conftest import FILES, SEED


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a line-by-line comparison."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def only_insertions(before: str, after: str) -> bool:
    """True when `after` is `before` with text inserted and not one byte changed or removed."""
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in ops)


def seed(repo: str) -> str:
    return (SEED / "nw-recs" / repo / FILES[repo]).read_text()


def test_toml_flag_edit_changes_only_the_feature_table(templates, manifest):
    target = templates["ranker"].targets[0]
    before = seed("data-pipelines")
    after = apply_edit("toml", "set", before, target_entries(target, manifest, templates["ranker"]))
    removed, added = changed_lines(before, after)
    assert removed == ["enabled = false"]
    assert added == ["enabled = true", 'experiment = "exp-ranker-dwell-v2"']
    # the comments above and below survive, and the flag sits in its own table
    assert "# v2: dwell time with background-tab and idle time removed (visibility events)." in after
    assert "# [features.user_recency_hours]" in after
    doc = load_document("toml", after)
    assert doc["features"]["user_dwell_time_v2_7d"]["enabled"] is True
    assert doc["features"]["user_ctr_7d"]["enabled"] is True


def test_toml_replaced_value_keeps_its_line_comment():
    text = '[features.x]\nenabled = false  # off until the experiment\nproducer = "p"\n'
    after = apply_edit("toml", "set", text, [Entry(("features", "x"), {"enabled": True, "experiment": "e"})])
    assert after.splitlines()[1] == "enabled = true  # off until the experiment"


def test_yaml_variant_is_appended_with_comments_and_flow_style_intact(templates, manifest):
    target = templates["ranker"].targets[1]
    before = seed("training")
    after = apply_edit("yaml", "put", before, target_entries(target, manifest, templates["ranker"]))
    removed, added = changed_lines(before, after)
    assert removed == []
    assert after.startswith(before), "every existing byte, comments included, is kept"
    assert added[:2] == ["", "  dwell-v2:"]  # a blank line before it, like the entries above
    # the new variant copies control's flow style for register_as
    assert "    register_as: {model: ranker, alias: exp-dwell-v2}" in added
    assert "      learning_rate: 0.03" in added
    assert "    experiment: exp-ranker-dwell-v2" in added
    doc = load_document("yaml", after)
    assert doc["variants"]["dwell-v2"]["hyperparameters"]["embedding_dim"] == 128
    assert doc["variants"]["control"]["hyperparameters"]["learning_rate"] == 0.05


def test_yaml_four_space_indent_is_detected():
    text = "# top\nvariants:\n    control:\n        alias: control   # keep\n"
    after = apply_edit("yaml", "put", text, [Entry(("variants",), {"alias": "exp", "n": 2}, key="exp")])
    assert after.startswith(text)
    assert after[len(text):] == "    exp:\n        alias: exp\n        n: 2\n"


def test_json_entry_is_inserted_with_the_file_indent_and_trailing_newline(templates, manifest):
    target = templates["ranker"].targets[2]
    before = seed("serving")
    after = apply_edit("json", "append", before, target_entries(target, manifest, templates["ranker"]))
    removed, added = changed_lines(before, after)
    assert removed == []
    assert added[0] == "    },"  # the previous last entry gains its comma
    assert only_insertions(before, after)
    assert '      "key": "exp-ranker-dwell-v2",' in added
    assert after.endswith("  ]\n}\n")
    doc = load_document("json", after)
    keys = [e["key"] for e in doc["experiments"]]
    old_keys = [e["key"] for e in load_document("json", before)["experiments"]]
    assert keys == old_keys + ["exp-ranker-dwell-v2"]
    assert list(doc) == ["version", "default_model", "experiments"]  # key order kept
    assert doc["experiments"][-1]["arms"][1]["model"] == {"name": "ranker", "alias": "exp-dwell-v2"}


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_json_other_indents_and_empty_lists(indent):
    import json

    text = json.dumps({"a": 1, "experiments": []}, indent=indent) + "\n"
    after = apply_edit("json", "append", text, [Entry(("experiments",), {"key": "k", "arms": [1]}, match="key")])
    assert after == json.dumps({"a": 1, "experiments": [{"key": "k", "arms": [1]}]}, indent=indent) + "\n"


def test_json_compact_neighbours_are_left_alone():
    text = '{"experiments": [{"key": "old", "w": [0.5, 0.5]}],\n "x": 1}'
    after = apply_edit("json", "append", text, [Entry(("experiments",), {"key": "new"}, match="key")])
    assert after.startswith('{"experiments": [{"key": "old", "w": [0.5, 0.5]}')
    assert after.endswith('],\n "x": 1}')
    assert load_document("json", after)["experiments"][1] == {"key": "new"}


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_edit_is_idempotent(templates, manifest, index):
    target = templates["ranker"].targets[index]
    repo = ("data-pipelines", "training", "serving")[index]
    entries = target_entries(target, manifest, templates["ranker"])
    once = apply_edit(target.format, target.op, seed(repo), entries)
    twice = apply_edit(target.format, target.op, once, entries)
    assert twice is once or twice == once
    assert entry_state(load_document(target.format, once), target.op, entries[0], manifest.id) == "present"
    assert entry_state(load_document(target.format, seed(repo)), target.op, entries[0], manifest.id) == "absent"


def test_a_changed_manifest_replaces_its_entry_instead_of_adding_another(templates, manifest):
    tpl = templates["ranker"]
    target = tpl.targets[2]
    once = apply_edit("json", "append", seed("serving"), target_entries(target, manifest, tpl))
    manifest.coverage = 0.3
    again = apply_edit("json", "append", once, target_entries(target, manifest, tpl))
    exps = load_document("json", again)["experiments"]
    assert [e["coverage"] for e in exps if e["key"] == manifest.id] == [0.3]
    assert changed_lines(once, again) == (['      "coverage": 0.2,'], ['      "coverage": 0.3,'])


@pytest.mark.parametrize(
    "fmt,text,at,message",
    [
        ("toml", "[features]\n", ("features", "nope"), "no table 'features.nope'"),
        ("yaml", "variants: {}\n", ("models",), "no key 'models'"),
        ("json", '{"experiments": {}}', ("experiments",), "is not a list"),
        ("json", '{"experiments": [}', ("experiments",), "not valid JSON"),
    ],
)
def test_files_of_the_wrong_shape_give_one_clear_error(fmt, text, at, message):
    op = {"toml": "set", "yaml": "put", "json": "append"}[fmt]
    with pytest.raises(EditError, match=message):
        apply_edit(fmt, op, text, [Entry(at, {"key": "k", "enabled": True}, key="k", match="key")])
