"""Repos atlas did not write: an independent variant of the three sample repos, other
conventions (a YAML list of flags addressed by name, arms in a Helm values file, four repos),
and the entries plan must refuse to replace. Real PyGithub over loopback to the emulator."""

from __future__ import annotations

import shutil

import pytest

from atlas.experiments.apply import apply_experiment
from atlas.experiments.plan import make_plan
from atlas.experiments.verify import verify_all
from atlas.experiments.workspace import ExperimentWorkspace

from .conftest import ROOT, SAMPLE_MANIFEST, TOKEN, approve_all, make_forge, run_cli, write_catalog, writes_since

MID = "exp-ranker-dwell-v2"
VARIANT = ROOT / "scenarios" / "repos-variant"


@pytest.fixture
def variant_emulator():
    from atlas.emulators.github import GitHubEmulator, load_seed

    emu = GitHubEmulator(load_seed(VARIANT), token=TOKEN)
    emu.start()
    yield emu
    emu.stop()


def test_independent_variant_plans_applies_reapplies_and_verifies(variant_emulator, tmp_path):
    features = (VARIANT / "nw-recs/data-pipelines/config/features.toml").read_text()
    assert "feature_set" not in features  # feature sets live only in the training variants there
    catalog = write_catalog(tmp_path, running=False)  # the sample's own templates and manifest, on other repos
    plan = run_cli(variant_emulator, catalog, "plan", MID)
    assert plan.exit_code == 0, plan.output + plan.stderr
    assert "????" not in plan.output and "FAIL" not in plan.output
    applied = run_cli(variant_emulator, catalog, "apply", MID)
    assert applied.exit_code == 0, applied.output + applied.stderr
    start = len(variant_emulator.requests)
    again = run_cli(variant_emulator, catalog, "apply", MID)
    assert again.exit_code == 0 and "already applied, nothing changed" in again.output
    assert writes_since(variant_emulator, start) == []
    verified = run_cli(variant_emulator, catalog, "verify")
    assert verified.exit_code == 0, verified.output
    approve_all(variant_emulator, f"atlas/exp/{MID}")
    merged = run_cli(variant_emulator, catalog, "merge", MID)
    assert merged.exit_code == 0, merged.output + merged.stderr
    verified = run_cli(variant_emulator, catalog, "verify")
    assert verified.exit_code == 0 and f"ok   {MID} (merged)" in verified.output, verified.output


def _manifest(tmp_path, **changes):
    text = SAMPLE_MANIFEST.read_text()
    for old, new in changes.items():
        text = text.replace(old, new)
    return write_catalog(tmp_path, text)


def test_aa_manifest_is_refused_with_location_and_owner(emulator, tmp_path):
    catalog = _manifest(tmp_path, **{'variant = "dwell-v2"': 'variant = "control"'})
    result = run_cli(emulator, catalog, "plan", MID)
    assert result.exit_code == 1
    assert ("nw-recs/training pipelines/ranker/variants.yaml: variants.control is owned by production "
            "(no owner field); exp-ranker-dwell-v2 would replace it: refused") in result.output


def test_variant_name_existing_in_production_is_refused(emulator, tmp_path, gh):
    # production grew a variant of the same name since the manifest was written
    repo = gh.get_repo("nw-recs/training")
    f = repo.get_contents("pipelines/ranker/variants.yaml", ref="main")
    text = f.decoded_content.decode().replace(
        "\n  # Retired", "\n  dwell-v2:\n    register_as: {model: ranker, alias: dwell-prod}\n    feature_set: base_v12\n\n  # Retired")
    repo.update_file(f.path, "add dwell-v2 to production", text, f.sha, branch="main")
    result = run_cli(emulator, write_catalog(tmp_path), "plan", MID)
    assert result.exit_code == 1
    assert "variants.dwell-v2 is owned by production (no owner field)" in result.output


def test_verify_flags_a_draft_whose_target_was_taken(emulator, tmp_path, gh):
    catalog = write_catalog(tmp_path)  # the sample manifest is a draft
    repo = gh.get_repo("nw-recs/training")
    f = repo.get_contents("pipelines/ranker/variants.yaml", ref="main")
    text = f.decoded_content.decode().replace(
        "\n  # Retired", "\n  dwell-v2:\n    register_as: {model: ranker, alias: dwell-prod}\n\n  # Retired")
    repo.update_file(f.path, "someone took the name", text, f.sha, branch="main")
    result = run_cli(emulator, catalog, "verify")
    assert result.exit_code == 1
    assert f"FAIL {MID} (draft)" in result.output
    assert "target not free: nw-recs/training pipelines/ranker/variants.yaml: variants.dwell-v2 is owned by production" \
        in result.output


def test_second_experiment_on_a_running_experiments_flag_is_refused(emulator, tmp_path):
    catalog = write_catalog(tmp_path)
    ws = ExperimentWorkspace.load(catalog)
    first = ws.load_manifest(MID)
    apply_experiment(first, ws.templates["ranker"], ws.repos, make_forge(emulator), ws.journal(MID))
    second = SAMPLE_MANIFEST.read_text().replace(MID, "exp-ranker-dwell-v3").replace(
        'variant = "dwell-v2"', 'variant = "dwell-v3"').replace('alias = "exp-dwell-v2"', 'alias = "exp-dwell-v3"')
    (catalog / "experiments" / "exp-ranker-dwell-v3.toml").write_text(second.replace("seed = 4242", "seed = 4243"))
    result = run_cli(emulator, catalog, "plan", "exp-ranker-dwell-v3")
    assert result.exit_code == 1
    assert ("nw-recs/data-pipelines config/features.toml: features.user_dwell_time_v2_7d is also written by "
            f"experiment {MID} (open)") in result.output
    # and the same traffic: the running A/A test's seed
    (catalog / "experiments" / "exp-ranker-dwell-v3.toml").write_text(
        second.replace("seed = 4242", "seed = 8812").replace('feature = "user_dwell_time_v2_7d"', 'feature = ""'))
    result = run_cli(emulator, catalog, "plan", "exp-ranker-dwell-v3")
    assert result.exit_code == 1
    assert "experiments[key=aa-ranker-control-2026q4]: experiment aa-ranker-control-2026q4 runs on the same traffic" \
        in result.output


# ---------------------------------------------------------------------------- other conventions

CONVENTIONS = '''
[[experiment_template]]
id = "scorer"
model = "scorer"
[experiment_template.control]
alias = "prod"
[[experiment_template.param]]
name = "flag"
type = "str"
[[experiment_template.param]]
name = "alias"
type = "str"
scope = "arm"

# a YAML list of flags, the item addressed by its name; other fields of the flag stay
[[experiment_template.target]]
repo = "flags"
name = "flags"
path = "flags.yaml"
op = "set"
at = ["flags", "[name={flag}]"]
value = { enabled = true, experiment = "{id}" }

# arms in a Helm chart's values file
[[experiment_template.target]]
repo = "chart"
name = "chart"
path = "charts/scorer/values.yaml"
format = "helm"
op = "append"
at = ["scorer", "experiments"]
match = "key"
value = { key = "{id}", arms = { "$each_arm" = { name = "{arm.name}", weight = "{arm.weight}", alias = "{arm.alias}" } } }

# the model registry's aliases, TOML
[[experiment_template.target]]
repo = "registry"
name = "registry"
path = "aliases.toml"
op = "put"
at = ["alias"]
key = "{arm.alias}"
each = "treatment"
value = { model = "{model}", experiment = "{id}" }

# and a fourth repo: the dashboards, JSON
[[experiment_template.target]]
repo = "dashboards"
name = "dashboards"
path = "panels.json"
op = "append"
at = ["panels"]
match = "experiment"
value = { experiment = "{id}", title = "{id} arms" }

[[experiment_template.invariant]]
id = "chart-aliases"
title = "chart arms' aliases exist in the registry"
relation = "each-in"
subject = { target = "chart", path = "$entry.arms[*].alias", exclude = ["{control.alias}"] }
reference = { target = "registry", path = "alias.*.@key" }
must = true

[[experiment_template.invariant]]
id = "chart-weights"
title = "chart arm weights sum to 1"
relation = "sums-to"
subject = { target = "chart", path = "$entry.arms[*].weight" }
value = 1
must = true
'''

FOUR_REPOS = {
    "acme/flags": {"flags.yaml": "# feature flags\nflags:\n  - name: new_scorer\n    enabled: false\n"
                                "    producer: scorer-etl   # who fills it\n    backfill_days: 14\n"
                                "  - name: old_scorer\n    enabled: true\n    producer: legacy\n"},
    "acme/chart": {"charts/scorer/values.yaml": "replicaCount: 2\nscorer:\n  image: scorer:1.4\n  experiments: []\n"},
    "acme/registry": {"aliases.toml": "# aliases\n[alias.prod]\nmodel = \"scorer\"\n"},
    "acme/dashboards": {"panels.json": "{\n  \"panels\": [\n    {\"title\": \"latency\"}\n  ]\n}\n"},
}


def test_four_repos_yaml_list_of_flags_and_helm_values(tmp_path):
    from atlas.emulators.github import GitHubEmulator
    from atlas.emulators.github.seed import Seed, SeedRepo

    seed = Seed(repos={name: SeedRepo(name, {p: t.encode() for p, t in files.items()})
                       for name, files in FOUR_REPOS.items()})
    cat = tmp_path / "catalog"
    (cat / "experiments").mkdir(parents=True)
    (cat / "atlas.toml").write_text('[atlas]\nname = "acme"\n')
    (cat / "projects.toml").write_text("".join(
        f'[[repo]]\nid = "{n.split("/")[1]}"\ngithub = "{n}"\ndefault_branch = "main"\n\n' for n in FOUR_REPOS))
    (cat / "experiment-templates.toml").write_text(CONVENTIONS)
    (cat / "experiments" / "exp-scorer-a.toml").write_text(
        'id = "exp-scorer-a"\ntemplate = "scorer"\ncoverage = 0.1\n[params]\nflag = "new_scorer"\n'
        '[[arm]]\nname = "control"\nweight = 0.5\ncontrol = true\n'
        '[[arm]]\nname = "b"\nweight = 0.5\n[arm.params]\nalias = "exp-a"\n')
    with GitHubEmulator(seed, token=TOKEN) as emu:
        plan = run_cli(emu, cat, "plan", "exp-scorer-a")
        assert plan.exit_code == 0, plan.output + plan.stderr
        assert "+    enabled: true" in plan.output and "producer: scorer-etl   # who fills it" in plan.output
        assert "ok   chart arms' aliases exist in the registry" in plan.output
        applied = run_cli(emu, cat, "apply", "exp-scorer-a")
        assert applied.exit_code == 0, applied.output + applied.stderr
        branch = "atlas/exp/exp-scorer-a"
        flags = emu.read_file("acme/flags", "flags.yaml", branch).decode()
        assert "backfill_days: 14" in flags and "producer: scorer-etl   # who fills it" in flags
        assert "experiment: exp-scorer-a" in flags
        assert "key: exp-scorer-a" in emu.read_file("acme/chart", "charts/scorer/values.yaml", branch).decode()
        assert '[alias.exp-a]' in emu.read_file("acme/registry", "aliases.toml", branch).decode()
        pulls = {n: [p for p in emu.state()["repos"][n]["pulls"] if p["head"] == branch] for n in FOUR_REPOS}
        assert all(len(v) == 1 for v in pulls.values()), pulls
