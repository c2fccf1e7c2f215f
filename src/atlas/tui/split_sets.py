"""Which experiment sets are split (merged in some repos, not in others): read in a worker,
shown in every screen's header as PARTIALLY MERGED."""

from __future__ import annotations

from typing import Any


def split_sets(backend: Any) -> list[str] | None:
    """Ids of partially merged experiments, by GitHub where it answers, else by the state
    recorded in the manifest; None when the manifests cannot be read at all (nothing is
    claimed then, either way)."""
    try:
        manifests, _problems = backend.manifests()
    except Exception:
        return None
    split = []
    for manifest in manifests:
        partial = manifest.state == "partially-merged"
        if manifest.prs and manifest.state in ("open", "partially-merged"):
            try:
                partial = bool(backend.status(manifest).partial)
            except Exception:
                pass  # GitHub did not answer: the recorded state stands
        if partial:
            split.append(manifest.id)
    return split
