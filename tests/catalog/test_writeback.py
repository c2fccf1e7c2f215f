"""Write-back edits one entity and keeps every other byte of the file, comments included."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from atlas.catalog.loader import load_catalog
from atlas.catalog.writeback import WritebackError, append_entity, edit_entity, set_in_entity

SERVING = """\
# Serving: Go gRPC services on GKE.   (kept byte for byte)
[[system]]
id = "serving"          # aligned comment
order   = 3

[[component]]
id = "ranker-svc"
kind = "grpc_service"   # Go
depends_on = [
  "ranker",             # the model
  "feature-fetcher",
]
owner = 'ranking-science'

[component.labels]
job = "ranker-svc"

[component.handover]
previous_owner = "recs-core"
stage = "shadowing"     # until February
support_until = 2027-02-28

[component.handover.knowledge]
amara = "heard-of"

# explain: Cloud Run
[[component]]
id = "explain-svc"
kind = "grpc_service"
"""


@pytest.fixture
def serving(tmp_path):
    path = tmp_path / "catalog" / "systems" / "serving.toml"
    path.parent.mkdir(parents=True)
    path.write_text(SERVING)
    return path


def test_set_knowledge_changes_only_that_line(serving):
    set_in_entity(serving, "component", "ranker-svc", ["handover", "knowledge", "amara"], "can-debug")
    assert serving.read_text() == SERVING.replace('amara = "heard-of"', 'amara = "can-debug"')


def test_adding_a_key_inserts_one_line_and_keeps_the_rest(serving):
    set_in_entity(serving, "component", "ranker-svc", ["handover", "knowledge", "tomas"], "can-operate")
    assert serving.read_text() == SERVING.replace('amara = "heard-of"\n',
                                                  'amara = "heard-of"\ntomas = "can-operate"\n')


def test_edit_keeps_comments_on_the_edited_line(serving):
    set_in_entity(serving, "component", "ranker-svc", ["handover", "stage"], "reverse-shadowing")
    assert serving.read_text() == SERVING.replace('stage = "shadowing"     # until February',
                                                  'stage = "reverse-shadowing"     # until February')


def test_new_subtable_on_the_second_entity(serving):
    set_in_entity(serving, "component", "explain-svc", ["handover", "support_until"], dt.date(2027, 3, 31))
    text = serving.read_text()
    assert text.startswith(SERVING)  # everything before is untouched
    assert text[len(SERVING):] == "\n[component.handover]\nsupport_until = 2027-03-31\n\n"
    catalog = load_catalog(serving.parent.parent).catalog
    assert catalog.components["explain-svc"].handover.support_until == dt.date(2027, 3, 31)


def test_edit_entity_with_a_callback_and_remove_a_key(serving):
    def update(entity):
        entity["tier"] = 1
        del entity["owner"]

    edit_entity(serving, "component", "ranker-svc", update)
    expected = SERVING.replace("owner = 'ranking-science'\n", "tier = 1\n")
    assert serving.read_text() == expected
    set_in_entity(serving, "component", "ranker-svc", ["tier"], None)
    assert serving.read_text() == SERVING.replace("owner = 'ranking-science'\n", "")


def test_append_entity(serving):
    append_entity(serving, "component", {"id": "recs-api", "kind": "grpc_service", "depends_on": ["ranker-svc"]})
    text = serving.read_text()
    assert text.startswith(SERVING)
    assert text[len(SERVING):] == '\n[[component]]\nid = "recs-api"\nkind = "grpc_service"\ndepends_on = ["ranker-svc"]\n'
    with pytest.raises(WritebackError, match='id "recs-api" already exists'):
        append_entity(serving, "component", {"id": "recs-api", "kind": "model"})


def test_unknown_entity_is_a_clear_error_and_the_file_is_untouched(serving):
    with pytest.raises(WritebackError, match='no \\[\\[component\\]\\] with id "nope"'):
        set_in_entity(serving, "component", "nope", ["owner"], "sre")
    with pytest.raises(WritebackError, match="is not a table"):
        set_in_entity(serving, "component", "ranker-svc", ["owner", "x"], "y")
    assert serving.read_text() == SERVING


def test_write_is_atomic_and_keeps_the_mode(serving):
    os.chmod(serving, 0o640)
    set_in_entity(serving, "component", "ranker-svc", ["tier"], 1)
    assert oct(os.stat(serving).st_mode & 0o777) == "0o640"
    assert [p.name for p in serving.parent.iterdir()] == ["serving.toml"]  # no temp file left


def test_a_catalog_file_with_a_long_name_can_be_edited(tmp_path):
    # the temp file's name adds characters: a legal 250-character name used to fail to save
    path = tmp_path / ("s" * 245 + ".toml")
    path.write_text(SERVING)
    set_in_entity(path, "component", "ranker-svc", ["handover", "knowledge", "amara"], "expert")
    assert path.read_text() == SERVING.replace('amara = "heard-of"', 'amara = "expert"')
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_file_that_cannot_be_saved_is_a_clear_error(serving):
    def folder_gone(entity):  # the folder is replaced by a file between reading and saving
        entity["tier"] = 1
        moved = serving.parent.with_name("moved")
        serving.parent.rename(moved)
        serving.parent.write_text("not a folder")

    with pytest.raises(WritebackError, match=r"serving\.toml: cannot write: "):
        edit_entity(serving, "component", "ranker-svc", folder_gone)
    assert (serving.parent.with_name("moved") / "serving.toml").read_text() == SERVING
