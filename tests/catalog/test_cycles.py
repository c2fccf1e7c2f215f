"""Cycle finding on plain dicts: every cycle named once, stable, no recursion limit."""

from atlas.catalog.cycles import find_cycles


def test_two_separate_cycles_are_both_named():
    deps = {"a": ("b",), "b": ("a",), "c": ("d",), "d": ("e",), "e": ("c",), "f": ("a", "c")}
    assert find_cycles(deps) == [["a", "b", "a"], ["c", "d", "e", "c"]]


def test_shortest_cycle_through_the_smallest_id():
    deps = {"a": ("b", "x"), "b": ("c",), "c": ("a",), "x": ("a",)}
    assert find_cycles(deps) == [["a", "x", "a"]]


def test_long_chain_has_no_cycle_and_no_recursion_error():
    n = 12_000
    deps = {f"c{i}": (f"c{i + 1}",) if i + 1 < n else () for i in range(n)}
    assert find_cycles(deps) == []
    deps[f"c{n - 1}"] = ("c0",)
    (cycle,) = find_cycles(deps)
    assert len(cycle) == n + 1 and cycle[0] == cycle[-1] == "c0"


def test_unknown_dependencies_are_ignored():
    assert find_cycles({"a": ("missing",)}) == []


def test_a_self_dependency_is_a_cycle_of_one():
    assert find_cycles({"a": ("a",), "b": ("a",)}) == [["a", "a"]]
