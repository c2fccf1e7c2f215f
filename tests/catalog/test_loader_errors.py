"""The loader's error table: each broken catalog gives one clear problem naming the file,
the entity and the field, with a fix where one is likely."""

from __future__ import annotations

from pathlib import Path

from atlas.catalog.loader import load_catalog
from tests.helpers import component, system, team, write_catalog


def only(result, code: str):
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, [p.format() for p in result.problems]
    return found[0]


def line(problem, base: Path) -> str:
    return problem.format(base)


def test_toml_syntax_error_names_file_and_line(tmp_path):
    root = write_catalog(tmp_path, [component("a", owner="sre")],
                         files={"systems/broken.toml": '[[component]]\nid = "b"\nkind = "model\n'})
    result = load_catalog(root)
    p = only(result, "toml-syntax")
    assert p.is_error and p.file.name == "broken.toml" and p.line == 3
    assert line(p, tmp_path).startswith("error: catalog/systems/broken.toml:3: TOML syntax error")
    assert "a" in result.catalog.components  # the other files still load


def test_unknown_owner_suggests_the_close_team(tmp_path):
    root = write_catalog(tmp_path, [component("ranker-svc", system="serving", owner="ranking-sciense")],
                         teams=[team("ranking-science")], auto=False,
                         systems=[{"id": "serving", "name": "Serving"}])
    p = only(load_catalog(root), "unknown-reference")
    assert line(p, tmp_path) == (
        'error: catalog/systems/serving.toml:9: component ranker-svc: owner: unknown team "ranking-sciense" '
        "(did you mean ranking-science?)")


def test_missing_dependency_id_names_the_list_position(tmp_path):
    root = write_catalog(tmp_path, [component("events", kind="bigquery_dataset"),
                                    component("features", kind="bigquery_dataset", depends_on=["events", "evnts2"])])
    p = only(load_catalog(root), "unknown-reference")
    assert (p.entity, p.field) == ("component features", "depends_on[1]")
    assert p.message == 'unknown component "evnts2"'
    assert p.hint == "did you mean events?"


def test_duplicate_id_names_both_files(tmp_path):
    root = write_catalog(tmp_path, [component("ranker", kind="model", system="training"),
                                    component("ranker", kind="model", system="serving")])
    result = load_catalog(root)
    p = only(result, "duplicate-id")
    # files are read in sorted order: serving.toml before training.toml
    assert p.file.name == "training.toml" and p.entity == "component ranker" and p.field == "id"
    assert "also defined in catalog/systems/serving.toml" in p.message
    assert result.catalog.components["ranker"].system == "serving"  # the first one wins


def test_dependency_cycle_is_named(tmp_path):
    root = write_catalog(tmp_path, [component("a", depends_on=["c"]), component("b", depends_on=["a"]),
                                    component("c", depends_on=["b"]), component("d", depends_on=["a"])])
    p = only(load_catalog(root), "cycle")
    assert p.message == "dependency cycle: a -> c -> b -> a"
    assert (p.entity, p.field) == ("component a", "depends_on")


def test_self_dependency_is_a_cycle(tmp_path):
    root = write_catalog(tmp_path, [component("a", depends_on=["a"])])
    assert only(load_catalog(root), "cycle").message == "dependency cycle: a -> a"


def test_wrong_type_says_what_was_expected(tmp_path):
    root = write_catalog(tmp_path, [component("a", tier="1", depends_on="b"), component("b")])
    result = load_catalog(root)
    by_field = {p.field: p for p in result.problems if p.code == "wrong-type"}
    assert by_field["tier"].message == 'expected an integer, got string "1"'
    assert by_field["depends_on"].message == 'expected an array of strings, got string "b"'
    comp = result.catalog.components["a"]
    assert comp.tier == 2 and comp.depends_on == ()  # bad values dropped, defaults kept


def test_string_date_in_handover_is_explained(tmp_path):
    root = write_catalog(tmp_path, [component("a", handover={"stage": "shadow", "support_until": "2027-02-28"})])
    result = load_catalog(root)
    fields = {p.field: p for p in result.problems}
    assert fields["handover.support_until"].message.startswith("expected a TOML date like 2027-02-28 (no quotes)")
    assert fields["handover.stage"].hint == "did you mean shadowing?"


def test_runbook_with_dotdot_escaping_the_workspace_is_an_error(tmp_path):
    root = write_catalog(tmp_path / "ws", [component("a", runbook="runbooks/../../secrets.md")])
    (tmp_path / "secrets.md").write_text("x")
    p = only(load_catalog(root), "runbook-path")
    assert p.is_error and p.field == "runbook" and "points outside the workspace" in p.message


def test_runbook_ending_in_dotdot_above_the_workspace_is_an_error(tmp_path):
    # the last ".." is not resolved with the folders before it: it used to pass as "a directory"
    for runbook in ("runbooks/../..", ".."):
        root = write_catalog(tmp_path / "ws", [component("a", runbook=runbook)], create_runbooks=False)
        p = only(load_catalog(root), "runbook-path")
        assert p.is_error and "points outside the workspace" in p.message, runbook


def test_runbook_dotdot_that_stays_inside_is_fine(tmp_path):
    root = write_catalog(tmp_path, [component("a", runbook="runbooks/../runbooks/a.md")], create_runbooks=False)
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "a.md").write_text("# a\n")
    assert load_catalog(root).problems == []


def test_runbook_symlink_out_of_the_workspace_is_an_error(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("x")
    root = write_catalog(tmp_path / "ws", [component("a", runbook="runbooks/a.md")], create_runbooks=False)
    (tmp_path / "ws" / "runbooks").mkdir()
    (tmp_path / "ws" / "runbooks" / "a.md").symlink_to(outside)
    assert only(load_catalog(root), "runbook-path").is_error


def test_absolute_runbook_is_an_error(tmp_path):
    root = write_catalog(tmp_path, [component("a", runbook="/etc/passwd")])
    p = only(load_catalog(root), "runbook-path")
    assert p.message == 'runbook "/etc/passwd" is absolute: use a path relative to the workspace'


def test_missing_runbook_file_is_only_a_warning(tmp_path):
    root = write_catalog(tmp_path, [component("a", runbook="runbooks/a.md")], create_runbooks=False)
    result = load_catalog(root)
    assert result.ok
    assert only(result, "runbook-missing").severity == "warning"


def test_unknown_kind_suggests_the_close_kind(tmp_path):
    root = write_catalog(tmp_path, [component("a", kind="grpc-service")])
    p = only(load_catalog(root), "unknown-kind")
    assert (p.entity, p.field, p.hint) == ("component a", "kind", "did you mean grpc_service?")


def test_bad_id_and_missing_required_field(tmp_path):
    root = write_catalog(tmp_path, [{"id": "Ranker Svc", "kind": "model"}, {"id": "b"}])
    result = load_catalog(root)
    assert only(result, "bad-id").field == "id"
    missing = only(result, "missing-field")
    assert (missing.entity, missing.field) == ("component b", "kind")


def test_unknown_key_is_a_warning_with_did_you_mean(tmp_path):
    root = write_catalog(tmp_path, [component("a", ownr="sre")])
    result = load_catalog(root)
    p = only(result, "unknown-key")
    assert result.ok and p.severity == "warning" and p.hint == "did you mean owner?"


def test_unknown_knowledge_person_and_level(tmp_path):
    root = write_catalog(tmp_path, [component("a", handover={"knowledge": {"amara": "guru"}})],
                         people=[{"id": "amara", "team": "sre"}], teams=[team("sre")])
    p = only(load_catalog(root), "bad-value")
    assert p.field == "handover.knowledge.amara" and "heard-of, can-operate, can-debug, expert" in p.message
    root2 = write_catalog(tmp_path / "two", [component("a", handover={"knowledge": {"amra": "expert"}})],
                          people=[{"id": "amara", "team": "sre"}], teams=[team("sre")])
    p2 = only(load_catalog(root2), "unknown-reference")
    assert p2.message == 'unknown person "amra"' and p2.hint == "did you mean amara?"


def test_everything_is_collected_in_one_pass(tmp_path):
    root = write_catalog(
        tmp_path,
        [
            component("ranker-svc", system="serving", owner="ranking-sciense", depends_on=["ranker", "nope"],
                      runbook="../x.md"),
            component("ranker", kind="modle", system="serving", depends_on=["ranker-svc"], runbook="/abs.md"),
            component("ranker", kind="model", system="training", tier="high"),
        ],
        teams=[team("ranking-science")],
        systems=[system("serving"), system("training")],
        auto=False,
        files={"broken.toml": "[[team]\n"},
    )
    result = load_catalog(root)
    codes = sorted(p.code for p in result.problems if p.is_error)
    assert codes == sorted(["toml-syntax", "unknown-reference", "unknown-reference", "duplicate-id", "cycle",
                            "runbook-path", "runbook-path", "unknown-kind", "wrong-type"])
    assert all(p.file is not None for p in result.problems)
    assert not result.ok


def test_missing_directory_is_one_problem_not_an_exception(tmp_path):
    result = load_catalog(tmp_path / "nope")
    assert [p.code for p in result.problems] == ["catalog-missing"]
    assert result.catalog.components == {}


def test_unknown_table_is_a_warning_with_did_you_mean(tmp_path):
    root = write_catalog(tmp_path, files={"x.toml": '[[componnet]]\nid = "a"\nkind = "model"\n'})
    result = load_catalog(root)
    p = only(result, "unknown-key")
    assert result.ok and p.field == "componnet" and p.hint == "did you mean component?"
    assert result.catalog.components == {}


def test_wrong_shape_of_a_whole_table(tmp_path):
    root = write_catalog(tmp_path, files={"x.toml": 'component = "a"\natlas = 3\n'})
    got = {(p.field, p.message) for p in load_catalog(root).problems}
    assert got == {("component", 'expected an array of tables [[component]], got string "a"'),
                   ("atlas", "expected a table [atlas], got integer 3")}
