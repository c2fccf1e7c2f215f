"""Manifests: every mistake is one line naming the file, the experiment and the field."""

from __future__ import annotations

import tomllib

import pytest

from atlas.experiments.errors import ManifestError
from atlas.experiments.manifest import (
    Arm,
    PullRef,
    load_manifest,
    new_manifest_text,
    parse_manifest,
    record_prs,
)

from .conftest import SAMPLE_MANIFEST


def sample_data():
    return tomllib.loads(SAMPLE_MANIFEST.read_text())


def problems_of(data, templates):
    with pytest.raises(ManifestError) as info:
        parse_manifest(data, templates, SAMPLE_MANIFEST)
    return info.value.problems


def test_sample_manifest_is_a_valid_draft(manifest):
    assert (manifest.id, manifest.state, manifest.coverage) == ("exp-ranker-dwell-v2", "draft", 0.2)
    assert [(a.name, a.weight, a.control) for a in manifest.arms] == [("control", 0.5, True), ("treatment", 0.5, False)]
    assert manifest.arms[1].params["learning_rate"] == 0.03
    assert manifest.params["feature"] == "user_dwell_time_v2_7d"
    assert manifest.branch == "atlas/exp/exp-ranker-dwell-v2"


def test_unknown_template_suggests_the_close_one(templates):
    data = sample_data()
    data["template"] = "rankr"
    assert problems_of(data, templates) == [
        f"{SAMPLE_MANIFEST}: experiment exp-ranker-dwell-v2: template: unknown template 'rankr' (did you mean ranker?)"
    ]


def test_out_of_range_value(templates):
    data = sample_data()
    data["arm"][1]["params"]["learning_rate"] = 3.0
    assert problems_of(data, templates) == [
        f"{SAMPLE_MANIFEST}: experiment exp-ranker-dwell-v2: arm treatment: learning_rate: 3.0 is out of range (0.0001 to 0.5)"
    ]


def test_weights_not_summing_to_one(templates):
    data = sample_data()
    data["arm"][1]["weight"] = 0.6
    assert problems_of(data, templates) == [
        f"{SAMPLE_MANIFEST}: experiment exp-ranker-dwell-v2: arm weights: 0.5 + 0.6 = 1.1, must sum to 1"
    ]


def test_weights_within_float_tolerance_are_fine(templates):
    data = sample_data()
    data["arm"][0]["weight"] = 0.1 + 0.2  # 0.30000000000000004
    data["arm"][1]["weight"] = 0.7
    manifest = parse_manifest(data, templates)  # no ManifestError: 1.0 within tolerance
    assert [a.weight for a in manifest.arms] == [0.1 + 0.2, 0.7]


def test_several_problems_are_all_listed_in_one_pass(templates):
    data = sample_data()
    data["coverage"] = 0
    data["params"]["gate_metric"] = "auc"
    data["params"]["sed"] = 1
    problems = problems_of(data, templates)
    assert len(problems) == 3
    assert any("coverage: 0 must be in (0, 1]" in p for p in problems)
    assert any("params: gate_metric: must be one of ndcg_at_10, mrr, recall_at_50" in p for p in problems)
    assert any("params: unknown parameter 'sed' (did you mean seed?)" in p for p in problems)


def test_new_manifest_round_trips_and_records_prs_keeping_comments(templates, tmp_path):
    text = new_manifest_text(
        templates["ranker"], "exp-new", hypothesis="h", owner="ranking-science", coverage=0.1,
        arms=[Arm("control", 0.5, True), Arm("treatment", 0.5, False, {"variant": "v", "alias": "exp-v"})],
    )
    path = tmp_path / "exp-new.toml"
    path.write_text(text)
    m = load_manifest(path, templates)
    assert m.arms[1].params["learning_rate"] == 0.05  # default filled
    before = path.read_text()
    record_prs(path, {"serving": PullRef("serving", "nw-recs/serving", 7, "http://x/pull/7", "atlas/exp/exp-new", "a" * 40, "b" * 40)}, state="open")
    after = path.read_text()
    # only the state line changes above the new [prs.*] tables; comments survive
    assert after.startswith(before.replace('state = "draft"', 'state = "open"').rstrip("\n"))
    assert "[prs.serving]" in after
    again = load_manifest(path, templates)
    assert again.state == "open"
    assert again.prs["serving"].number == 7


def test_concurrent_manifest_updates_lose_nothing(tmp_path):
    """Two writers (apply recording PRs, the TUI setting a state) each re-read under the lock."""
    import threading

    from atlas.experiments.manifest import update_manifest

    path = tmp_path / "experiments" / "exp-a.toml"
    path.parent.mkdir()
    path.write_text('# kept\nid = "exp-a"\n', encoding="utf-8")

    def write(i: int) -> None:
        def change(doc) -> None:
            doc[f"note_{i}"] = i
        update_manifest(path, change)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# kept\n") and all(f"note_{i} = {i}" in text for i in range(16))


def test_manifest_updates_keep_crlf_and_bom(tmp_path):
    from atlas.experiments.manifest import set_state

    path = tmp_path / "exp-a.toml"
    path.write_bytes('\ufeff# kept\r\nid = "exp-a"\r\nstate = "draft"\r\n'.encode("utf-8"))
    set_state(path, "open")
    assert path.read_bytes() == '\ufeff# kept\r\nid = "exp-a"\r\nstate = "open"\r\n'.encode("utf-8")


def test_a_new_manifest_never_replaces_one_that_appeared(tmp_path):
    import pytest

    from atlas.experiments.errors import ManifestError
    from atlas.experiments.manifest import write_new_manifest

    path = tmp_path / "exp-a.toml"
    write_new_manifest(path, 'id = "exp-a"\n')
    with pytest.raises(ManifestError, match="already exists"):
        write_new_manifest(path, 'id = "exp-a"\nowner = "someone-else"\n')
    assert path.read_text(encoding="utf-8") == 'id = "exp-a"\n'
