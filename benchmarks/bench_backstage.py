"""Backstage import at scale: 10 x N entities (100,000 at the default N) read, mapped and
written as catalog TOML, against the floor of libyaml loading the same file in the same run.

Figures: the whole import (read + bounded-input check + map + write), its goal < 60 s and
<= 4x the floor (the check, the mapping and the TOML writing must cost less than three more
parses); the bounded-input check (depth and alias expansion) on its own.
"""

from __future__ import annotations

import time
from pathlib import Path


def backstage_yaml(n: int) -> str:
    """n Components in one System owned by one Group, each depending on the one before."""
    out = ["apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ranking\nspec:\n  type: team\n",
           "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: serving\n"
           "spec:\n  owner: group:default/ranking\n"]
    for i in range(n):
        dep = f"\n  dependsOn:\n    - component:default/svc-{i - 1}" if i else ""
        out.append(f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i}\n"
                   f"  description: service number {i}\n  tags: [grpc, go]\nspec:\n  type: service\n"
                   f"  lifecycle: production\n  owner: group:default/ranking\n  system: serving{dep}\n")
    return "---\n".join(out)


def run(ctx) -> None:
    import yaml

    from atlas.bounded import check_yaml, safe_loader
    from atlas.catalog.backstage_import import import_documents, read_documents, write_import

    n = 10 * ctx.n
    src = Path(ctx.workdir) / "backstage" / "catalog-info.yaml"
    src.parent.mkdir(parents=True, exist_ok=True)
    text = backstage_yaml(n)
    src.write_text(text, encoding="utf-8")

    start = time.perf_counter()
    list(yaml.load_all(text, Loader=safe_loader()))
    floor = time.perf_counter() - start

    start = time.perf_counter()
    check_yaml(text, str(src))
    check = time.perf_counter() - start

    start = time.perf_counter()
    result = import_documents(read_documents([src]), src.parent / "out")
    write_import(result, force=True)
    whole = time.perf_counter() - start
    assert result.counts["components"] == n, result.counts

    ctx.figure(f"Backstage import, {n:,} entities", whole, "s", floor=floor, max_ratio=4, max_value=60,
               note="floor: libyaml safe_load of the same file")
    ctx.figure("Backstage bounded-input check", check, "s", floor=floor, note="depth + alias expansion")
