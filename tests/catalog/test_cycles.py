"""Cycle finding on plain dicts: every cycle named once, stable, no recursion limit."""

from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10).flatmap(lambda n: st.fixed_dictionaries(
    {f"c{i}": st.lists(st.sampled_from([f"c{j}" for j in range(n)] + ["ghost"]), max_size=3).map(tuple)
     for i in range(n)})))
def test_no_cycle_is_reported_exactly_when_networkx_finds_the_graph_acyclic(deps):
    """The acyclic case is decided without networkx (its import is start-up time): the
    same answer as networkx's, self-dependencies and unknown ids included."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(deps)
    g.add_edges_from((c, d) for c, ds in deps.items() for d in ds if d in deps)
    assert (find_cycles(deps) == []) == nx.is_directed_acyclic_graph(g)
