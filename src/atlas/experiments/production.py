"""Current production values, shown beside the wizard's fields: what the control arm runs
today, read from the training file on the default branch (the control variant's values at
the same places the template puts a treatment arm's parameters)."""

from __future__ import annotations

from typing import Any, Mapping

from atlas.catalog.model import Repo
from atlas.experiments.plan import RepoReader, default_branch_document, resolve_repo
from atlas.experiments.template import Template

_ARM = "{arm."


def _param_paths(value: Any, path: tuple = ()) -> dict[str, tuple]:
    """arm parameter name -> key path inside a value template where it is written."""
    found: dict[str, tuple] = {}
    if isinstance(value, str) and value.startswith(_ARM) and value.endswith("}") and value.count("{") == 1:
        found[value[len(_ARM) : -1]] = path
    elif isinstance(value, Mapping) and "$each_arm" not in value:
        for k, v in value.items():
            found.update(_param_paths(v, path + (k,)))
    return found


def production_values(template: Template, repos: Mapping[str, Repo], reader: RepoReader) -> dict[str, Any]:
    """{arm parameter: value in production} for what can be found; {} when nothing can."""
    control = template.control.get("variant")
    values: dict[str, Any] = {}
    for target in template.targets:
        if target.each != "treatment" or not control:
            continue
        doc = default_branch_document(reader, resolve_repo(repos, target.repo), target)
        if doc is None:
            continue
        node: Any = doc
        for key in target.at + (control,):
            node = node.get(key) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping):
            continue
        for name, path in _param_paths(target.value).items():
            cur: Any = node
            for key in path:
                cur = cur.get(key) if isinstance(cur, Mapping) else None
            if cur is not None and template.param(name) is not None:
                values.setdefault(name, cur)
    for name, value in template.control.items():
        if template.param(name) is not None:
            values.setdefault(name, value)
    return values
