"""`atlas lint` for the watch: a template's `[experiment_template.watch]` that the watch
could not read, parameters it names that the template does not have, and a running
experiment whose manifest does not say when it merged."""

from __future__ import annotations

import re

from atlas.catalog.problems import Problem
from atlas.watch.service import RUNNING_STATES, manifest_extras
from atlas.watch.spec import parse_watch

_LINE = re.compile(r"^(?:(?P<file>.+?): )?experiment_template (?P<id>[^:]+): (?P<field>watch[^:]*): (?P<message>.+)$")


def lint_watch(ws) -> list[Problem]:
    problems: list[Problem] = []
    watched: set[str] = set()
    for template in ws.templates.values():
        spec, errors = parse_watch(template.id, template.watch, template.source)
        for line in errors:
            m = _LINE.match(line)
            problems.append(Problem("error", "watch", m.group("message") if m else line, template.source,
                                    f"experiment_template {template.id}", m.group("field") if m else "watch"))
        if spec is None:
            continue
        watched.add(template.id)
        names = {p.name for p in template.params}
        wanted = [("watch.requests.error_param", spec.requests.error_param),
                  ("watch.requests.alias_param", spec.requests.alias_param if spec.requests.served_label else ""),
                  ("watch.latency.param", spec.latency.param if spec.latency else ""),
                  ("watch.feature.param", spec.feature.param if spec.feature else "")]
        for fld, name in wanted:
            if name and name not in names:
                problems.append(Problem("error", "watch", f"names parameter {name!r}, which the template does not "
                                        "declare", template.source, f"experiment_template {template.id}", fld,
                                        f"one of {', '.join(sorted(names))}"))
    manifests, _ = ws.manifests()  # broken manifests are lint_experiments' to report
    for m in manifests:
        if m.state in RUNNING_STATES and m.template in watched and "merged_at" not in manifest_extras(m):
            problems.append(Problem("warning", "watch-merged-at", "running, but the manifest does not say when the "
                                    "set merged: the watch counts from its look-back limit and cannot tell late "
                                    "exposures", m.path, f"experiment {m.id}", "merged_at",
                                    "set merged_at = 2026-12-01T09:00:00Z (the last PR's merge time)"))
    return problems
