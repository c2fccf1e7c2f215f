"""The path language and the relations, pure: what each finds, and what it says when it
cannot be evaluated (never ok)."""

from __future__ import annotations

import pytest

from atlas.experiments.invariants import DocView, evaluate, parse_invariant, parse_range
from atlas.experiments.select import Match, select

DOC = {
    "features": {"a": {"enabled": True, "producer": "p"}, "b": {"enabled": False, "producer": "p"},
                 "c": {"enabled": True}},
    "flags": [{"name": "x", "on": True}, {"name": "y", "on": False}],
    "exps": [{"key": "e1", "arms": [{"name": "control", "weight": 0.5}, {"name": "t", "weight": 0.6}],
              "coverage": 0.2}],
}


@pytest.mark.parametrize("path,values", [
    ("features[enabled=true][producer].@key", ["a"]),
    ("features.*.enabled", [True, False, True]),
    ("flags[name=y].on", [False]),
    ("flags[0].name", ["x"]),
    ("exps[key=e1].arms[*].weight", [0.5, 0.6]),
    ('"features".a.producer', ["p"]),
    ("nothing.here", []),
])
def test_paths(path, values):
    assert [m.value for m in select(DOC, path)] == values


def test_locations_name_list_items_by_their_key_or_name():
    assert [m.where for m in select(DOC, "exps[*].arms[*].weight")] == [
        "exps[key=e1].arms[name=control].weight", "exps[key=e1].arms[name=t].weight"]


def view(**kw):
    entries = [Match(DOC["exps"][0], "exps[key=e1]")]
    return {"s": DocView("s", "org/s file.json", DOC, entries), **kw}


def inv(raw):
    errors: list[str] = []
    found = parse_invariant(raw, 0, {"s", "r"}, errors)
    assert errors == []
    return found


def test_sums_to_and_within_range():
    weights = inv({"id": "w", "relation": "sums-to", "subject": {"target": "s", "path": "$entry.arms[*].weight"},
                   "value": 1})
    out = evaluate(weights, view(), {})
    assert out.status == "fail" and "0.5 + 0.6 = 1.1, must be 1" in out.problems[0]
    cov = inv({"id": "c", "relation": "within-range", "subject": {"target": "s", "path": "$entry.coverage"},
               "range": "(0, 0.2]"})
    assert evaluate(cov, view(), {}).status == "ok"
    assert parse_range("(0, 1]").contains(1) and not parse_range("(0, 1]").contains(0)


def test_a_selector_that_finds_nothing_is_not_checked_with_the_reason():
    each = inv({"id": "e", "relation": "each-in", "subject": {"target": "s", "path": "$entry.arms[*].alias"},
                "reference": {"target": "r", "path": "x.*"}})
    out = evaluate(each, view(), {})
    assert out.status == "unchecked" and out.unchecked == "org/s file.json: $entry.arms[*].alias found nothing"
    names = inv({"id": "n", "relation": "each-in", "subject": {"target": "s", "path": "$entry.arms[*].name"},
                 "reference": {"target": "r", "path": "x.*"}})
    assert evaluate(names, view(), {}).unchecked == "target r does not apply to this experiment"


def test_member_of_equal_and_present():
    member = inv({"id": "m", "relation": "member-of", "subject": {"target": "s", "path": "flags[*].name"},
                  "values": ["x"]})
    assert evaluate(member, view(), {}).problems == ["org/s file.json flags[name=y].name: y is not among the allowed values (x)"]
    equal = inv({"id": "q", "relation": "equal", "subject": {"target": "s", "path": "$entry.key"}, "value": "{id}"})
    assert evaluate(equal, view(), {"id": "e1"}).status == "ok"
    present = inv({"id": "p", "relation": "present", "subject": {"target": "s", "path": "$entry.guardrails"}})
    assert evaluate(present, view(), {}).status == "fail"


def test_bad_declarations_are_one_line_each():
    errors: list[str] = []
    assert parse_invariant({"id": "x", "relation": "near", "subject": {"target": "zz", "path": "a"}}, 0,
                           {"s"}, errors) is None
    assert errors == ["invariant x.relation: must be one of present, equal, member-of, each-in, sums-to, within-range",
                      "invariant x.subject.target: unknown target 'zz' (targets: s)"]
