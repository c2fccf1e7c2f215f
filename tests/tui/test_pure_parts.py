"""The TUI's pure parts, no terminal: the filter language, the DAG drawing, the health
state, the keymap file."""

from __future__ import annotations

from atlas.health.model import Status
from atlas.tui.bindings import load_keymap
from atlas.tui.dag_text import draw
from atlas.tui.filtering import ComponentFilter
from atlas.tui.health_view import HealthView, one_line

from .product import incident


def matching(catalog, text, statuses=None):
    statuses = statuses or {}
    flt = ComponentFilter.parse(text)
    return sorted(cid for cid, c in catalog.components.items()
                  if flt.matches(c, catalog, statuses.get(cid, Status.OK)))


def test_filter_words_match_any_field_and_all_words_must_match(catalog):
    assert matching(catalog, "ranker") == ["ranker-model", "ranker-svc"]
    assert matching(catalog, "grpc science") == ["explain-svc", "ranker-svc"]  # kind AND owner
    assert matching(catalog, "Ranking Science") == ["explain-svc", "ranker-model", "ranker-svc"]  # team name


def test_filter_fields_and_status(catalog):
    statuses = {"sessionizer": Status.CRIT, "feature-cache": Status.NO_DATA}
    assert matching(catalog, "crit", statuses) == ["sessionizer"]
    assert matching(catalog, "status:no", statuses) == ["feature-cache"]  # NO_DATA, from the start
    assert matching(catalog, "owner:serving") == ["feature-cache", "recs-api"]
    assert matching(catalog, "system:ingest kind:dataflow") == ["sessionizer"]
    assert matching(catalog, "owner:nobody") == []


def test_dag_edges_arrows_and_boxes():
    layers = [["a"], ["b", "c"], ["d"]]
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("a", "d")]
    drawing = draw(layers, edges, lambda n: Status.CRIT if n == "b" else Status.OK, selected="b",
                   highlighted={"b", "d"})
    text = "\n".join(line.plain for line in drawing.lines)
    assert text.count("▶") == 3  # one arrowhead per target: b, c, d
    assert "┏" in text and "╔" in text and "┌" in text  # selected, blast radius, plain
    assert "✖ b" in text and "● a" in text
    # the long edge a -> d runs along the blank line above d's box: no box is crossed there
    x, y, w, _ = drawing.boxes["d"]
    assert "─" in drawing.lines[y - 1].plain
    assert set(drawing.boxes) == {"a", "b", "c", "d"}


def test_health_view_never_invents_health(catalog):
    health = HealthView()
    assert health.status("sessionizer") is Status.NO_DATA
    assert health.reason("sessionizer") == "no health data yet"
    health.accept(incident(catalog), [])
    assert health.status("sessionizer") is Status.CRIT and not health.stale
    health.fail(RuntimeError("503 Service Unavailable\nTraceback (most recent call last):\n  ..."))
    assert health.stale and health.status("sessionizer") is Status.CRIT  # kept, marked stale
    assert "\n" not in health.error and health.error.startswith("503 Service Unavailable")


def test_one_line_is_short():
    assert one_line("x" * 500).endswith("…") and len(one_line("x" * 500)) == 160
    assert one_line(KeyError()) == "KeyError"


def test_keymap_file(tmp_path):
    assert load_keymap(tmp_path / "missing.toml") == ({}, "")
    good = tmp_path / "good.toml"
    good.write_text('"app.quit" = "ctrl+q"\n"app.help" = 3\n', encoding="utf-8")
    keymap, problem = load_keymap(good)
    assert keymap == {"app.quit": "ctrl+q"}
    assert "app.help" in problem and "key string" in problem
    bad = tmp_path / "bad.toml"
    bad.write_text("[[[", encoding="utf-8")
    keymap, problem = load_keymap(bad)
    assert keymap == {} and str(bad) in problem and "\n" not in problem


def test_a_path_under_home_is_shown_the_way_a_user_types_it(tmp_path):
    from atlas.tui.bindings import shown_path

    home = tmp_path / "home"
    assert shown_path(home / ".config" / "atlas" / "keymap.toml", home) == "~/.config/atlas/keymap.toml"
    elsewhere = tmp_path / "keys.toml"
    assert shown_path(elsewhere, home) == str(elsewhere)  # in full: the user can still find it
