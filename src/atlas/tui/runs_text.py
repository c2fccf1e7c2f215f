"""A recurring run's last runs as one small timeline, oldest to newest, the failure named.

    ✓ ✓ ✓ ✓ ✓ ✓ ✗   7 runs · newest 07:35 FAILED: data-validation failed at 08:11: TFDV …
"""

from __future__ import annotations

from rich.text import Text

from atlas.health import readable

_MARK = {"SUCCEEDED": ("✓", "green"), "FAILED": ("✗", "bold red"), "SKIPPED": ("-", "dim"),
         "CANCELED": ("⊘", "dark_orange"), "RUNNING": ("▶", "cyan"), "PENDING": ("…", "cyan")}


def timeline(runs: list, now: float) -> Text:
    """`runs`: atlas.kubeflow.model.PipelineRun, newest first (as the reader gives them)."""
    if not runs:
        return Text("no runs in the window read", style="italic")
    from atlas.kubeflow.evaluate import failure_text

    text = Text()
    for run in reversed(runs):
        mark, style = _MARK.get(run.state, ("?", "dim"))
        text.append(f"{mark} ", style=style)
    newest = runs[0]
    text.append(f"  {len(runs)} runs · newest {readable.clock(newest.created, now)} {newest.state}", style="dim")
    if newest.state == "FAILED":
        text.append(f": {failure_text(newest, now)}", style="red")
    return text
