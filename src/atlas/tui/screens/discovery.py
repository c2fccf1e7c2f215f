"""Discovery: what the repos' artifacts show that the catalog lacks, each with its evidence.

One line per proposal (a new component, or a new edge: "down <- up"); the highlighted one's
evidence below. `a` accepts it (written into the catalog with tomlkit, format-preserving),
`d` rejects it (recorded as a [[rejected_proposal]], never proposed again). Both are hidden
in read-only mode. The proposals come from `Services.discovery_proposals` in a
thread worker: the artifacts are read through the forge, never on the UI thread.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from atlas.tui.screens.base import AtlasScreen
from atlas.tui.widgets.keybar import KeyBar


class ProposalsLoaded(Message):
    def __init__(self, catalog, proposals, error: str = "", done: str = "") -> None:
        super().__init__()
        self.catalog = catalog
        self.proposals = proposals
        self.error = error
        self.done = done


def proposal_rows(proposals) -> list[tuple[str, str, str]]:
    """(key, line, evidence text) per new component and new edge, components first."""
    rows = []
    for c in proposals.new_components:
        ev = "\n".join(str(e) for e in c.finding.evidence)
        rows.append((c.id, f"+ component {c.id} ({c.kind})" + (f" -> {c.system}" if c.system else ""), ev))
    for e in proposals.new_edges:
        key = f"{e.downstream}<-{e.upstream}"
        rows.append((key, f"+ edge {e.downstream} depends on {e.upstream}", "\n".join(str(v) for v in e.evidence)))
    return rows


class DiscoveryScreen(AtlasScreen):
    TITLE = "Discovery"
    HELP = "What the artifacts show that the catalog lacks; a: accept (write it), d: reject (never again)."
    DEFAULT_CSS = """
    DiscoveryScreen #discovery-status { height: auto; padding: 0 1; }
    DiscoveryScreen #discovery-list { height: 1fr; }
    DiscoveryScreen #discovery-evidence { height: auto; max-height: 8; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("escape", "back", "back", id="screen.back"),
        Binding("a", "accept", "accept", id="discovery.accept"),
        Binding("d", "reject", "reject", id="discovery.reject"),
        Binding("ctrl+r", "reload", "reload", id="discovery.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.catalog = None
        self.proposals = None
        self.rows: list[tuple[str, str, str]] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static("reading the repos' artifacts…", id="discovery-status")
        yield OptionList(id="discovery-list")
        yield Static("", id="discovery-evidence")
        yield KeyBar()

    def workspace_ready(self) -> None:
        if self.proposals is None and not self.busy:
            self._run(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "reject"):
            if self.atlas.read_only:
                return False  # hidden: read-only writes nothing
            return bool(self.rows) and not self.busy
        return True

    def _selected(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self.rows[index][0] if index is not None and index < len(self.rows) else None

    def action_accept(self) -> None:
        key = self._selected()
        if key:
            self._run(("accept", key))

    def action_reject(self) -> None:
        key = self._selected()
        if key:
            self._run(("reject", key))

    def action_reload(self) -> None:
        self._run(None)

    def _run(self, change) -> None:
        self.busy = True
        self.refresh_bindings()
        self._work(change, self.catalog, self.proposals)

    @work(thread=True, exclusive=True, group="discovery")
    def _work(self, change, catalog, proposals) -> None:
        done = ""
        try:
            if change is not None and catalog is not None:
                verb, key = change
                if verb == "accept":
                    from atlas.discovery.merge import write_proposals

                    write_proposals(catalog, proposals, only={key})
                    done = f"accepted {key}"
                else:
                    from atlas.discovery.merge import reject

                    down, _, up = key.partition("<-")
                    reject(catalog, down, up)
                    done = f"rejected {key}: it will not be proposed again"
            catalog, proposals = self.atlas.services.discovery_proposals()
        except Exception as exc:  # WritebackError, ForgeError, anything: one line on the screen
            self.post_message(ProposalsLoaded(catalog, proposals, error=str(exc).splitlines()[0] if str(exc) else
                                              type(exc).__name__))
            return
        self.post_message(ProposalsLoaded(catalog, proposals, done=done))

    def on_proposals_loaded(self, message: ProposalsLoaded) -> None:
        self.busy = False
        self.catalog, self.proposals = message.catalog, message.proposals
        status = self.query_one("#discovery-status", Static)
        options = self.query_one(OptionList)
        self.rows = proposal_rows(self.proposals) if self.proposals is not None else []
        options.clear_options()
        options.add_options([Option(line, id=f"p{i}") for i, (_, line, _) in enumerate(self.rows)])
        notes = len(self.proposals.notes) if self.proposals is not None else 0
        head = message.error or message.done or ""
        summary = (f"{len(self.rows)} proposals" if self.rows else "nothing to propose: the catalog has everything "
                   "the artifacts show") + (f"; {notes} artifacts could not be read" if notes else "")
        status.update(f"{head}\n{summary}" if head else summary)
        if self.rows:
            options.highlighted = 0
        self._show_evidence()
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, _event) -> None:
        self._show_evidence()

    def _show_evidence(self) -> None:
        index = self.query_one(OptionList).highlighted
        text = self.rows[index][2] if index is not None and index < len(self.rows) else ""
        self.query_one("#discovery-evidence", Static).update(f"evidence:\n{text}" if text else "")
