"""Git history of a real repo with several authors: who knows each component's code path,
and a measured bus factor next to the declared one."""

from __future__ import annotations

from atlas.catalog.loader import load_catalog
from atlas.discovery.compare import compare
from atlas.discovery.files import read_local
from atlas.discovery.run import discover_repos

from .conftest import NOW, ROOT, SAMPLE_REPOS, build_history

RANKER = "deploy/ranker-svc/deployment.yaml"
EXPERIMENTS = "deploy/ranker-svc/experiments.json"
RECS_API = "deploy/recs-api/deployment.yaml"


def test_commits_of_the_last_year_become_knowledge_proposals_with_a_measured_bus_factor(tmp_path):
    commits = ([("Sofia Marin", "sofia@nw-recs.example", d, [RANKER]) for d in (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99)]
               + [("Kwame Boateng", "kwame@nw-recs.example", d, [EXPERIMENTS]) for d in (5, 15, 25)]
               + [("Hana Sato", "hana@nw-recs.example", 400, [RANKER])]  # older than 12 months: not counted
               + [("Liam Chen", "liam@nw-recs.example", 3, [RECS_API])])
    repo = build_history(tmp_path / "serving", SAMPLE_REPOS / "serving", commits)
    found = discover_repos([read_local(repo)], now=NOW)
    ranker = {k.person: k for k in found.knowledge if k.component == "ranker-svc"}
    assert ranker, (found.notes, found.knowledge)
    assert set(ranker) == {"sofia@nw-recs.example", "kwame@nw-recs.example"}
    assert ranker["sofia@nw-recs.example"].commits == 11 and ranker["sofia@nw-recs.example"].level == "can-debug"
    assert ranker["kwame@nw-recs.example"].level == "can-operate"
    assert ranker["sofia@nw-recs.example"].evidence[0].where == "serving: git log -- deploy/ranker-svc/"

    proposals = compare(found, load_catalog(ROOT / "catalog").catalog)
    mine = [k for k in proposals.knowledge if k.component == "ranker-svc"]
    sofia = next(k for k in mine if k.person == "sofia")  # mapped to the catalog's person by first name
    assert sofia.declared == "can-operate"  # what the catalog says, shown next to the measurement
    assert sofia.measured_bus_factor == 2  # sofia and kwame each made at least a fifth of the commits
    assert sofia.declared_bus_factor == 1  # the catalog lists one person who can debug it (hana)


def test_a_folder_that_is_not_a_clone_says_so_in_one_line(tmp_path):
    found = discover_repos([read_local(SAMPLE_REPOS / "serving")], now=NOW)
    assert [n for n in found.notes if "not a git clone" in n] == [
        "serving: not a git clone, no history to read (knowledge not measured)"]
