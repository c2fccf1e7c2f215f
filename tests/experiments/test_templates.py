"""Templates: typed parameters the wizard can validate as you type, and targets that cannot
point outside their repo."""

from __future__ import annotations

import pytest

from atlas.experiments.template import validate_value
from atlas.experiments.template_parse import parse_template


def ranker_param(templates, name):
    return templates["ranker"].param(name)


def test_sample_template_declares_three_repos_in_data_order(templates):
    tpl = templates["ranker"]
    assert [(t.repo, t.format, t.name) for t in tpl.targets_in_data_order()] == [
        ("data-pipelines", "toml", "pipeline"),
        ("training", "yaml", "training"),
        ("serving", "json", "serving"),
    ]
    lr = tpl.param("learning_rate")
    assert (lr.type, lr.scope, lr.min, lr.max, lr.default) == ("float", "arm", 0.0001, 0.5, 0.05)
    assert lr.help


@pytest.mark.parametrize(
    "name,text,error",
    [
        ("learning_rate", "0.03", None),
        ("learning_rate", "0.9", "0.9 is out of range (0.0001 to 0.5)"),
        ("learning_rate", "fast", "must be a number"),
        ("learning_rate", "nan", "must be a finite number"),
        ("num_layers", "4", None),
        ("num_layers", "4.5", "must be a whole number"),
        ("num_layers", "0", "0 is out of range (1 to 12)"),
        ("embedding_dim", "128", None),
        ("embedding_dim", "100", "must be one of 16, 32, 64, 128, 256"),
        ("gate_metric", "mrr", None),
        ("variant", "Dwell V2", "must match ^[a-z0-9][a-z0-9-]*$"),
        ("feature_set", "base_v12+user_dwell_time_v2_7d", None),
    ],
)
def test_validate_value_as_you_type(templates, name, text, error):
    assert validate_value(ranker_param(templates, name), text) == error


def minimal(**target):
    t = {"repo": "serving", "path": "deploy/x.json", "op": "append", "at": ["experiments"], "match": "key",
         "value": {"key": "{id}"}}
    t.update(target)
    return {"id": "ranker", "model": "ranker", "target": [t]}


@pytest.mark.parametrize(
    "path,message",
    [
        ("/etc/passwd", "must be relative to the repo, not absolute"),
        ("../other-repo/x.json", "must stay inside the repo"),
        ("deploy/../../x.json", "must stay inside the repo"),
        ("deploy\\x.json", "must not contain backslashes or NUL bytes"),
        ("deploy/x\x00.json", "must not contain backslashes or NUL bytes"),
        ("C:/x.json", "not absolute"),
        (".git/config", "must not point into .git"),
    ],
)
def test_target_paths_are_confined_to_their_repo(tmp_path, path, message):
    tpl, errors = parse_template(minimal(path=path, format="json"), tmp_path / "experiment-templates.toml")
    assert tpl is None
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'experiment-templates.toml'}: experiment_template ranker: target[0].path: ")
    assert message in errors[0]


def test_unknown_placeholders_and_bad_params_are_named(tmp_path):
    raw = minimal(value={"key": "{id}", "seed": "{sed}"})
    raw["param"] = [
        {"name": "seed", "type": "int", "min": 10, "max": 1, "default": 5},
        {"name": "lr", "type": "float", "min": 0, "max": 1, "default": 3},
        {"name": "mode", "type": "enum"},
    ]
    tpl, errors = parse_template(raw)
    assert tpl is None
    assert "experiment_template ranker: param seed.min: min 10 is above max 1" in errors
    assert "experiment_template ranker: param lr.default: 3 is out of range (0 to 1)" in errors
    assert any("param mode.type: unknown type 'enum'" in e for e in errors)
    assert "experiment_template ranker: target[0].value: unknown placeholder {sed}" in errors


def test_templates_stay_open_to_a_watch_section(templates):
    import tomllib

    from .conftest import SAMPLE_TEMPLATES

    raw = tomllib.loads(SAMPLE_TEMPLATES.read_text())["experiment_template"][0]
    raw["watch"] = {"signal": [{"metric": "grpc_error_ratio", "max": "{max_grpc_error_ratio}"}]}
    tpl, errors = parse_template(raw)
    assert errors == [] and tpl.watch["signal"][0]["metric"] == "grpc_error_ratio"
    assert [i.id for i in tpl.invariants] == ["aliases", "features", "serving-weights", "serving-coverage",
                                              "training-key"]
