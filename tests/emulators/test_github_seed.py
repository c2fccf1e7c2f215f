"""The sample repos seed: what a new owner finds in the three config repos before any experiment."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from atlas.emulators.github import GitHubEmulator, SeedError, load_seed

REPOS = Path(__file__).resolve().parents[2] / "scenarios" / "repos"
# Component ids from DOMAIN.md that issue labels may name.
COMPONENT_IDS = {
    "clickstream-raw", "clickstream-raw-df", "clickstream-raw-dlq", "catalog-updates", "catalog-updates-df",
    "impressions", "impressions-df", "clickstream-sessionizer", "catalog-enricher", "feature-backfill",
    "training-data-export", "recs-data-prod", "daily_feature_build", "training_snapshot",
    "bq_quality_checks", "events", "features", "user-aggregates-hourly", "item-popularity-daily",
    "item-embeddings-weekly", "nw-recs-landing", "nw-recs-training-data", "recs-online-store",
    "user-features-view", "kfp-prod", "nw-recs-pipeline-root", "ranker-training",
    "ranker-training-nightly", "retrieval-two-tower-weekly", "example-gen", "statistics-gen",
    "data-validation", "transform", "trainer", "evaluator", "infra-validator", "pusher", "ranker",
    "retrieval-two-tower", "serving-prod", "grpc-edge", "recs-api", "retrieval-svc", "ranker-svc",
    "feature-fetcher", "feature-cache", "event-logger", "explain-svc", "recs-admin", "model-sync",
}


@pytest.fixture(scope="module")
def seed():
    return load_seed(REPOS)


def test_the_three_config_repos_each_have_readme_codeowners_and_their_config_file(seed):
    assert set(seed.repos) == {"nw-recs/data-pipelines", "nw-recs/training", "nw-recs/serving"}
    wanted = {"nw-recs/data-pipelines": "config/features.toml",
              "nw-recs/training": "pipelines/ranker/variants.yaml",
              "nw-recs/serving": "deploy/ranker-svc/experiments.json"}
    for name, config in wanted.items():
        files = seed.repos[name].files
        assert {"README.md", ".github/CODEOWNERS", config} <= set(files)
        assert seed.repos[name].description  # taken from the README, shown as the repo description


def test_the_dwell_time_v2_feature_is_built_but_disabled_before_the_experiment(seed):
    text = seed.repos["nw-recs/data-pipelines"].files["config/features.toml"].decode()
    feature = tomllib.loads(text)["features"]["user_dwell_time_v2_7d"]
    assert feature == {"enabled": False, "producer": "clickstream-sessionizer",
                       "backfill_dag": "daily_feature_build", "table": "features.user_features_daily",
                       "dtype": "float"}
    assert "experiment" not in feature
    assert text.count("\n#") >= 5  # comments a format-preserving edit has to keep


def test_training_has_the_control_variant_with_domain_hyperparameters(seed):
    text = seed.repos["nw-recs/training"].files["pipelines/ranker/variants.yaml"].decode()
    variants = YAML(typ="safe").load(text)["variants"]
    assert list(variants) == ["control", "wide-v1", "item-age"]  # and the two running experiments' variants
    control = variants["control"]
    assert control["register_as"] == {"model": "ranker", "alias": "control"}
    assert control["feature_set"] == "base_v12"
    assert control["hyperparameters"] == {"learning_rate": 0.05, "num_layers": 3,
                                          "embedding_dim": 64, "train_steps": 20000}
    assert "# deep-v1:" in text  # the retired variant stays as a comment


def test_serving_experiments_are_two_space_json_with_complete_entries(seed):
    text = seed.repos["nw-recs/serving"].files["deploy/ranker-svc/experiments.json"].decode()
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2) + "\n"  # exactly 2-space indent, key order as written
    keys = [e["key"] for e in doc["experiments"]]
    assert "exp-ranker-dwell-v2" not in keys and len(keys) >= 1
    for exp in doc["experiments"]:
        assert {"key", "status", "hash_attribute", "seed", "coverage", "arms", "guardrails"} <= set(exp)
        assert abs(sum(a["weight"] for a in exp["arms"]) - 1) < 1e-9
        assert 0 < exp["coverage"] <= 1
        assert set(exp["guardrails"]) == {"max_grpc_error_ratio", "max_p99_latency_ms"}


def test_issues_are_spread_over_the_repos_with_component_labels_from_the_catalog(seed):
    assert 10 <= len(seed.issues) <= 20
    assert {i.repo for i in seed.issues} == set(seed.repos)
    for issue in seed.issues:
        components = [x.removeprefix("component:") for x in issue.labels if x.startswith("component:")]
        assert components, issue.title
        assert set(components) <= COMPONENT_IDS, issue.title
        assert issue.body and issue.title
    kinds = {x for i in seed.issues for x in i.labels}
    assert {"bug", "enhancement", "component:feature-backfill", "component:ranker-svc"} <= kinds


def test_same_seed_gives_the_same_commit_shas_every_time(seed):
    a = GitHubEmulator(seed).state()["repos"]["nw-recs/serving"]["refs"]
    b = GitHubEmulator(load_seed(REPOS)).state()["repos"]["nw-recs/serving"]["refs"]
    assert a == b and len(a["refs/heads/main"]) == 40


def _seed_dir(tmp_path: Path, issues: str) -> Path:
    (tmp_path / "acme" / "app").mkdir(parents=True, exist_ok=True)
    (tmp_path / "acme" / "app" / "README.md").write_text("# app\n\nThe app.\n")
    (tmp_path / "issues.toml").write_text(issues)
    return tmp_path


def test_an_issue_naming_an_unknown_repo_is_a_one_line_error_naming_file_and_field(tmp_path):
    root = _seed_dir(tmp_path, '[[issue]]\nrepo = "acme/nope"\ntitle = "x"\n')
    with pytest.raises(SeedError) as err:
        load_seed(root)
    msg = str(err.value)
    assert "issues.toml" in msg and "[[issue]] #1" in msg and "'repo'" in msg and "acme/app" in msg
    assert "\n" not in msg


def test_broken_toml_and_missing_fields_and_missing_dir_are_clear_errors(tmp_path):
    with pytest.raises(SeedError, match="invalid TOML"):
        load_seed(_seed_dir(tmp_path, "[[issue]\n"))
    with pytest.raises(SeedError, match=r"\[\[issue\]\] #1: field 'title' is required"):
        load_seed(_seed_dir(tmp_path, '[[issue]]\nrepo = "acme/app"\n'))
    with pytest.raises(SeedError, match="not found"):
        load_seed(tmp_path / "missing")


def test_a_seed_without_issues_file_gives_repos_only(tmp_path):
    (tmp_path / "acme" / "app").mkdir(parents=True)
    (tmp_path / "acme" / "app" / "main.py").write_text("print('hi')\n")
    seed = load_seed(tmp_path)
    assert list(seed.repos) == ["acme/app"] and seed.issues == [] and seed.labels == []


def test_a_symlink_in_a_seed_repo_never_serves_a_file_from_outside_it(tmp_path):
    secret = tmp_path / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE KEY\n")
    repo = tmp_path / "seed" / "acme" / "app"
    repo.mkdir(parents=True)
    (repo / "main.py").write_text("print('hi')\n")
    (repo / "key").symlink_to(secret)
    (repo / "linked").symlink_to(secret.parent, target_is_directory=True)
    seed = load_seed(tmp_path / "seed")
    assert sorted(seed.repos["acme/app"].files) == ["main.py"]
