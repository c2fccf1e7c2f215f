"""Write a synthetic catalog of N components in the real catalog format, for benchmarks.

    python benchmarks/generate.py 10000 /tmp/big [--seed 7]

writes /tmp/big/catalog/ (atlas.toml, teams.toml, projects.toml, signals.toml and one
systems/<id>.toml of ~500 components per system) and /tmp/big/runbooks/ (a short runbook
for most components). The shape follows the product atlas is built for: each system is a
small nw-recs, data flowing topics -> subscriptions -> jobs and DAGs -> datasets ->
training pipelines -> models -> services, with fan-in, fan-out, a few hubs (a Composer
environment and a GKE cluster per system, a shared `events` dataset that later systems
read) and edges from earlier systems into later ones only, so the graph is a DAG. Every
component carries the labels its kind's signal templates need, so health planning covers
the whole catalog. Same N and seed, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# synth/ sits next to this file, and this directory is on sys.path both when it runs as a
# script and when bench_*.py, run.py and tests import it as a sibling.
from synth.render import write_workspace
from synth.topology import Generator


def generate(n: int, outdir: str | Path, seed: int = 7) -> dict:
    """Write the catalog and runbooks under `outdir`; returns a summary dict."""
    if n < 1:
        raise ValueError(f"N must be at least 1, not {n}")
    out = Path(outdir)
    if (out / "catalog").exists() and any((out / "catalog").iterdir()):
        raise FileExistsError(f"{out / 'catalog'} already exists and is not empty; choose an empty OUTDIR")
    gen = Generator(n, seed)
    gen.build()
    gen.decorate()
    files, runbooks = write_workspace(gen, out)
    edges = sum(len(c.deps) for c in gen.components)
    return {
        "components": len(gen.components),
        "systems": len(gen.systems),
        "edges": edges,
        "teams": len(gen.teams) + 1,
        "people": len(gen.people) + len(gen.old_team_people),
        "catalog_files": files,
        "runbooks": runbooks,
        "catalog": str(out / "catalog"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic atlas catalog of N components.")
    parser.add_argument("n", type=int, metavar="N", help="number of components")
    parser.add_argument("outdir", metavar="OUTDIR", help="workspace to write catalog/ and runbooks/ into")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    try:
        s = generate(args.n, args.outdir, args.seed)
    except (ValueError, OSError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {s['components']} components ({s['edges']} dependencies) in {s['systems']} "
        f"system{'s' if s['systems'] != 1 else ''}, "
        f"{s['teams']} teams, {s['people']} people: {s['catalog_files']} catalog files and "
        f"{s['runbooks']} runbooks under {args.outdir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
