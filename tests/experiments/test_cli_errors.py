"""Bad input at the command line: one clear line per problem, exit 1, nothing written
(no manifest change, no journal, not one request to GitHub)."""

from __future__ import annotations

import pytest

from .conftest import SAMPLE_MANIFEST, SAMPLE_TEMPLATES, run_cli, write_catalog

MID = "exp-ranker-dwell-v2"


def sample(**replace: str) -> str:
    text = SAMPLE_MANIFEST.read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    "manifest_text,templates_text,expected",
    [
        (sample(**{'template = "ranker"': 'template = "rnker"'}), None,
         "template: unknown template 'rnker' (did you mean ranker?)"),
        (sample(**{"learning_rate = 0.03": "learning_rate = 5"}), None,
         "arm treatment: learning_rate: 5 is out of range (0.0001 to 0.5)"),
        (sample(**{"weight = 0.5\n\n[arm.params]": "weight = 0.4\n\n[arm.params]"}), None,
         "arm weights: 0.5 + 0.4 = 0.9, must sum to 1"),
        (None, SAMPLE_TEMPLATES.read_text().replace('path = "config/features.toml"', 'path = "../secrets/features.toml"'),
         "target[0].path: '../secrets/features.toml' must stay inside the repo"),
    ],
    ids=["unknown-template", "out-of-range", "weights", "path-outside-repo"],
)
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_bad_manifest_one_clear_message_and_nothing_written(emulator, tmp_path, manifest_text, templates_text, expected, command):
    catalog = write_catalog(tmp_path, manifest_text, templates_text)
    before = (catalog / "experiments" / SAMPLE_MANIFEST.name).read_text()
    result = run_cli(emulator, catalog, command, MID)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("atlas: ") and expected in lines[0]
    assert "Traceback" not in result.output
    assert emulator.requests == []
    assert (catalog / "experiments" / SAMPLE_MANIFEST.name).read_text() == before
    assert not (tmp_path / ".atlas").exists()


def test_new_writes_a_manifest_that_plans_clean(emulator, tmp_path):
    catalog = write_catalog(tmp_path)
    result = run_cli(
        emulator, catalog, "new", "--id", "exp-ranker-lr-v1",
        "--set", "treatment.variant=lr-v1", "--set", "treatment.alias=exp-lr-v1",
        "--set", "treatment.learning_rate=0.02", "--set", "coverage=0.05", "--set", "hypothesis=Lower LR helps",
    )
    assert result.exit_code == 0, result.output
    path = catalog / "experiments" / "exp-ranker-lr-v1.toml"
    assert 'state = "draft"' in path.read_text()
    plan = run_cli(emulator, catalog, "plan", "exp-ranker-lr-v1")
    assert plan.exit_code == 0, plan.output
    # no feature given: the pipeline file is not touched, training and serving are
    assert plan.output.count("(no change)") == 1
    again = run_cli(emulator, catalog, "new", "--id", "exp-ranker-lr-v1")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_new_refuses_out_of_range_values_and_writes_nothing(emulator, tmp_path):
    catalog = write_catalog(tmp_path)
    result = run_cli(emulator, catalog, "new", "--id", "exp-x", "--set", "treatment.num_layers=40",
                     "--set", "seed=abc")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "atlas: --set treatment.num_layers: 40 is out of range (1 to 12)",
        "atlas: --set seed: must be a whole number",
    ]
    assert not (catalog / "experiments" / "exp-x.toml").exists()


def test_missing_token_is_one_line(emulator, tmp_path):
    catalog = write_catalog(tmp_path)
    result = run_cli(emulator, catalog, "plan", MID, env={"GITHUB_TOKEN": "", "GH_TOKEN": "", "PATH": "/nonexistent"})
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "atlas: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), a GitHub App (GITHUB_APP_ID, "
        "GITHUB_APP_INSTALLATION_ID, GITHUB_APP_PRIVATE_KEY), or log in with `gh auth login`")


def test_target_file_not_utf8_is_one_line_naming_it(emulator, tmp_path):
    # someone committed the variants file in latin-1: plan says which file, no traceback
    state = emulator.forge
    with state.lock:
        state.commit_changes(state.repo("nw-recs", "training"), "main",
                             {"pipelines/ranker/variants.yaml": b"variants:\n  caf\xe9: {}\n"}, "latin-1")
    catalog = write_catalog(tmp_path)
    result = run_cli(emulator, catalog, "plan", MID)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and not isinstance(result.exception, UnicodeDecodeError)
    assert "nw-recs/training: pipelines/ranker/variants.yaml" in result.output + result.stderr
    assert "is not UTF-8 text" in result.output + result.stderr
