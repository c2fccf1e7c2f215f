"""The command palette (`:`): every verb of the app as "area: verb", plus one
"component: open ID" per component so any component is a few letters away."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class AtlasCommands(Provider):
    def _commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        commands = [
            ("catalog: open", "components grouped by system", app.action_show_catalog),
            ("catalog: filter", "filter by id, kind, owner, team, system, status", self._filter),
            ("triage: open", "probable causes first, their symptoms folded under them", app.action_show_triage),
            ("graph: open", "the selected component's neighbourhood", app.action_show_graph),
            ("health: refresh", "poll every signal now", app.action_refresh_health),
            ("handover: open", "who owns what, and what to do next", app.action_show_handover),
            ("app: help", "every key of this screen", app.action_help),
            ("app: quit", "leave atlas", app.action_quit),
        ]
        commands.insert(5, ("experiments: open", "A/B experiments and their pull requests", app.action_show_experiments))
        if app.focus_id:
            commands[4:4] = [
                ("component: runbook", f"the runbook of {app.focus_id}", app.action_runbook),
                ("component: logs", f"recent errors of {app.focus_id}", app.action_logs),
                ("component: console link", f"Google Cloud console for {app.focus_id}", app.action_open_console),
            ]
        return commands

    def _filter(self) -> None:
        app = self.app
        app.show_area("catalog")
        # the catalog screen is current only once the switch has happened
        app.call_after_refresh(lambda: app.screen.action_filter())

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
        workspace = self.app.workspace
        if workspace is None:
            return
        for component_id in workspace.catalog.components:
            title = f"component: open {component_id}"
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.open_component, component_id), text=title)
