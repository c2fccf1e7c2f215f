"""How an experiment reads on screen: its summary, a plan's checks and coloured diffs, and
its pull requests (each openable). Shared by the review step, the details view and the
submit step."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from atlas.experiments.lifecycle import PARTIAL_BANNER

PR_STATE_STYLE = {"open": "green", "draft": "dim", "merged": "magenta", "closed": "red"}


def summary_text(manifest) -> Text:
    text = Text()
    text.append(manifest.id, style="bold")
    text.append(f"   template {manifest.template} · state {manifest.state} · owner {manifest.owner or '-'}"
                f" · coverage {manifest.coverage:g}\n", style="")
    text.append("arms  ", style="dim")
    text.append("  ".join(f"{a.name} {a.weight:g}{' (control)' if a.control else ''}" for a in manifest.arms))
    if manifest.hypothesis:
        text.append("\nhypothesis  ", style="dim")
        text.append(manifest.hypothesis, style="italic")
    return text


def diff_text(diff: str) -> Text:
    """A unified diff, coloured like git: + green, - red, hunk headers cyan."""
    text = Text()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        else:
            style = "dim"
        text.append(line + "\n", style=style)
    text.rstrip()
    return text


def diff_counts(diff: str) -> tuple[int, int]:
    lines = diff.splitlines()
    added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    return added, removed


def checks_text(plan) -> Text:
    """One line per check: ✓ or ✗, its title, then each problem indented."""
    text = Text()
    for check in plan.checks:
        if getattr(check, "status", "") == "unchecked":  # could not run: never shown as ok
            text.append("? ", style="bold yellow")
            text.append(f"{check.title}: not checked: {check.unchecked}\n", style="yellow")
        elif check.ok:
            text.append("✓ ", style="bold green")
            text.append(check.title + "\n")
        else:
            text.append("✗ ", style="bold red")
            text.append(check.title + "\n", style="bold red")
            for problem in check.problems:
                text.append(f"    {problem}\n", style="red")
    for error in plan.errors:
        text.append("✗ ", style="bold red")
        text.append(error + "\n", style="red")
    text.rstrip()
    return text


def status_text(status) -> Text:
    """The set's overall state; loud when it is split across repos."""
    text = Text()
    if status.partial:
        text.append(f" {PARTIAL_BANNER} ", style="bold white on red")
        text.append(f"  merged: {', '.join(status.merged)}; NOT merged: {', '.join(status.unmerged)}\n",
                    style="bold red")
        text.append("finish with `atlas experiment merge` or revert the merged PRs", style="red")
    else:
        text.append(f"pull requests: {status.overall}", style="bold")
    return text


def pr_line(repo: str, number: int, state: str, url: str) -> Text:
    text = Text()
    text.append(f"{repo:<16} ", style="bold")
    text.append(f"#{number:<5} ")
    text.append(f"{state:<8} ", style=PR_STATE_STYLE.get(state, ""))
    text.append(url, style="underline")
    return text


class PullList(OptionList):
    """The experiment's pull requests; enter or `o` opens the highlighted one."""

    DEFAULT_CSS = "PullList { height: auto; max-height: 8; border: none; padding: 0; }"
    BINDINGS = [Binding("o", "open_pr", "open PR", id="experiments.open_pr")]

    def set_prs(self, prs: list[tuple[str, int, str, str]]) -> None:
        """(repo id, number, state, url) in data order."""
        self.clear_options()
        self.urls = {}
        for repo, number, state, url in prs:
            self.add_option(Option(pr_line(repo, number, state, url), id=repo))
            self.urls[repo] = url
        if prs:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_pr()

    def action_open_pr(self) -> None:
        if self.highlighted is None:
            return
        url = self.urls.get(self.get_option_at_index(self.highlighted).id or "")
        if url:
            open_pr(self.app, url)


def open_pr(app, url: str) -> None:
    """Open a pull request in the browser, and say where (the terminal may have none)."""
    app.open_url(url)
    app.notify(url, title="pull request", timeout=8)
