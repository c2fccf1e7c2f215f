"""Cross-repo checks over the planned files: the mistakes that ruin weeks of data."""

from __future__ import annotations

from atlas.experiments.plan import make_plan, render_plan


def test_sample_plan_has_three_diffs_and_passes_every_check(manifest, templates, repos, reader):
    plan = make_plan(manifest, templates["ranker"], repos, reader)
    assert plan.ok, plan.problems
    assert [f.repo for f in plan.files if f.changed] == ["data-pipelines", "training", "serving"]
    text = render_plan(plan)
    assert "+enabled = true" in text and "-enabled = false" in text
    assert "+  dwell-v2:" in text
    assert '+      "key": "exp-ranker-dwell-v2",' in text
    # the manifest's own checks, then each declared invariant of the template: all ran
    assert text.count("ok  ") == 10 and "????" not in text and "FAIL" not in text


def test_alias_not_registered_by_any_training_variant(manifest, templates, repos, reader):
    # serving points at an alias the training file never registers (someone edited it by hand)
    files = reader.files["nw-recs/training"]
    path = "pipelines/ranker/variants.yaml"
    files[path] = files[path].replace("alias: control}", "alias: prod}")
    plan = make_plan(manifest, templates["ranker"], repos, reader)
    assert not plan.ok
    assert plan.problems == [
        "nw-recs/serving deploy/ranker-svc/experiments.json experiments[key=exp-ranker-dwell-v2].arms[name=control]: "
        "(model, alias, feature set) (ranker, control, base_v12) is not registered by any variant in nw-recs/training "
        "pipelines/ranker/variants.yaml (registered: (ranker, exp-dwell-v2, base_v12+user_dwell_time_v2_7d), "
        "(ranker, exp-item-age, base_v12+item_age_hours), (ranker, exp-wide-v1, base_v12), (ranker, prod, base_v12))"
    ]


def test_feature_in_feature_set_not_enabled_in_pipeline(manifest, templates, repos, reader):
    manifest.params["feature"] = "user_ctr_7d"  # enables the wrong feature
    plan = make_plan(manifest, templates["ranker"], repos, reader)
    [check] = [c for c in plan.checks if c.name == "features"]
    assert plan.problems == check.problems == [
        "nw-recs/serving deploy/ranker-svc/experiments.json experiments[key=exp-ranker-dwell-v2].arms[name=treatment]"
        ".feature_set: feature user_dwell_time_v2_7d is not enabled with a producer in nw-recs/data-pipelines "
        "config/features.toml (enabled: item_age_hours, item_embedding_v3, item_popularity_1d, user_ctr_7d, user_dwell_time_7d, "
        "user_sessions_28d)"
    ]


def test_unknown_feature_and_weights(manifest, templates, repos, reader):
    manifest.arms[1].params["feature_set"] = "base_v12+user_dwel_time_v2_7d"
    manifest.arms[1].weight = 0.25
    manifest.coverage = 1.5
    problems = make_plan(manifest, templates["ranker"], repos, reader).problems
    assert "arm weights 0.5 + 0.25 = 0.75, must sum to 1" in problems
    assert "coverage 1.5 must be in (0, 1]" in problems
    assert any("feature user_dwel_time_v2_7d is not enabled with a producer" in p for p in problems)


def test_missing_file_is_reported_not_raised(manifest, templates, repos, reader):
    del reader.files["nw-recs/serving"]
    plan = make_plan(manifest, templates["ranker"], repos, reader)
    assert plan.errors == ["nw-recs/serving deploy/ranker-svc/experiments.json: file not found on main"]
