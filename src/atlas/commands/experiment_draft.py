"""`atlas experiment new`: a draft manifest from a template, its parameters given as
`--set KEY=VALUE` and checked against the template before anything is written. Registered
on the `experiment` group of `atlas.commands.experiment`."""

from __future__ import annotations

import click

from atlas.commands.common import catalog_option, fail
from atlas.commands.experiment import _guard, _ws, experiment


def _parse_sets(template, sets: tuple[str, ...]):
    from atlas.experiments.errors import ManifestError
    from atlas.experiments.template import check_value, parse_value

    top: dict = {}
    params: dict = {}
    arms: dict[str, dict] = {}
    errors = []
    for item in sets:
        if "=" not in item:
            errors.append(f"--set {item!r}: expected KEY=VALUE (e.g. treatment.learning_rate=0.03)")
            continue
        key, text = item.split("=", 1)
        key = key.strip()
        if key in ("hypothesis", "owner"):
            top[key] = text
            continue
        if key == "coverage":
            try:
                top[key] = float(text)
            except ValueError:
                errors.append(f"--set coverage: {text!r} must be a number in (0, 1]")
            continue
        if "." in key:
            arm, name = key.split(".", 1)
            if name == "weight":
                try:
                    arms.setdefault(arm, {})["weight"] = float(text)
                except ValueError:
                    errors.append(f"--set {key}: {text!r} must be a number")
                continue
            spec = template.param(name)
            if spec is None or spec.scope != "arm":
                errors.append(f"--set {key}: {name!r} is not an arm parameter of template {template.id}")
                continue
            target = arms.setdefault(arm, {}).setdefault("params", {})
        else:
            spec = template.param(key)
            if spec is None or spec.scope != "experiment":
                errors.append(f"--set {key}: unknown parameter of template {template.id}")
                continue
            target = params
            name = key
        try:
            value = parse_value(spec, text)
        except ValueError as exc:
            errors.append(f"--set {key}: {exc}")
            continue
        problem = check_value(spec, value)
        if problem:
            errors.append(f"--set {key}: {problem}")
            continue
        target[name] = value
    if errors:
        raise ManifestError(errors)
    return top, params, arms


@experiment.command("new")
@catalog_option
@click.option("--template", "template_id", default=None, help="Template id (default: the only one).")
@click.option("--id", "experiment_id", required=True, help="Experiment id, e.g. exp-ranker-dwell-v3.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="A parameter (seed=7), an arm parameter (treatment.learning_rate=0.03), "
                   "an arm weight (control.weight=0.5), coverage, hypothesis or owner. Repeatable.")
@_guard
def new(catalog_dir: str | None, template_id: str | None, experiment_id: str, sets: tuple[str, ...]) -> None:
    """Write a draft manifest: catalog/experiments/ID.toml."""
    from atlas.experiments.errors import ManifestError
    from atlas.experiments.manifest import Arm, ID_RE, new_manifest_text, parse_manifest, write_new_manifest

    ws = _ws(catalog_dir)
    if ws.template_errors:
        raise ManifestError(ws.template_errors)
    if template_id is None:
        if len(ws.templates) != 1:
            fail(f"pick a template with --template ({', '.join(sorted(ws.templates)) or 'none in the catalog'})", 2)
        template_id = next(iter(ws.templates))
    template = ws.templates.get(template_id)
    if template is None:
        from atlas.experiments.manifest import did_you_mean

        fail(f"unknown template {template_id!r}{did_you_mean(template_id, ws.templates)}")
    if not ID_RE.match(experiment_id):
        fail(f"--id {experiment_id!r}: must be a lowercase id like exp-ranker-dwell-v3", 2)
    path = ws.manifest_path(experiment_id)
    if path.exists():
        fail(f"{path}: already exists; pick another --id or edit it")
    top, params, arm_sets = _parse_sets(template, sets)
    arms = [
        Arm("control", 0.5, True),
        Arm("treatment", 0.5, False, {p.name: p.default for p in template.arm_params if p.default is not None}),
    ]
    for name, values in arm_sets.items():
        arm = next((a for a in arms if a.name == name), None)
        if arm is None:
            arm = Arm(name, 0.0, False, {p.name: p.default for p in template.arm_params if p.default is not None})
            arms.append(arm)
        arm.weight = values.get("weight", arm.weight)
        arm.params.update(values.get("params", {}))
    text = new_manifest_text(
        template,
        experiment_id,
        hypothesis=top.get("hypothesis", ""),
        owner=top.get("owner", ""),
        coverage=top.get("coverage", 0.1),
        params=params,
        arms=arms,
    )
    import tomllib

    parse_manifest(tomllib.loads(text), ws.templates, path)  # refuse to write a bad manifest
    write_new_manifest(path, text)
    click.echo(f"wrote {path} (state draft); next: atlas experiment plan {experiment_id}")
