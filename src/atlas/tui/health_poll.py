"""Live health in the app: one poll at a time, the timer re-armed only after it finished.

A poll reads health, the experiments' watch and the triage in a thread worker; each cause's
evidence (what changed, from GitHub and Cloud Logging; its errors at onset) comes after the
ranking is on screen, so a slow forge never holds health back. Mixed into `AtlasApp`, whose
state it uses: `services`, `health` (a HealthView), `health_version`, `refresh_seconds`,
`clock`, `_timer`, and the split-set check.
"""

from __future__ import annotations

from typing import Any

from textual import work

from atlas.tui.health_view import one_line

SPLIT_CHECK_SECONDS = 300  # GitHub is asked whether an experiment set is split at most this often


class HealthPoll:
    def action_refresh_health(self) -> None:
        if self.workspace is None or not self.live:
            return
        if self.health.refreshing:
            self.notify("a refresh is already running")
            return
        self._start_refresh()

    def _start_refresh(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.health.refreshing = True
        self.health_version += 1
        self._poll()

    @work(thread=True, group="health")
    def _poll(self) -> None:
        try:
            snapshot = self.services.refresh_health()
            self.experiment_watch = watch = self._read_watch()
            ranking = self.services.triage(snapshot, watch=None if isinstance(watch, BaseException) else watch)
        except Exception as exc:
            self._deliver(self._refresh_failed, exc)
            return
        self._deliver(self._refreshed, snapshot, ranking)
        # then each cause's evidence (GitHub, Cloud Logging: network reads): the ranking is
        # on screen meanwhile, and a slow forge never holds health back
        try:
            ranking = self.services.with_evidence(ranking, getattr(snapshot, "taken_at", None) or None)
        except Exception as exc:  # noqa: BLE001 - said on each cause, never fatal
            for item in ranking:
                if item.role == "cause":
                    item.changes, item.changes_note = [], f"could not be read ({one_line(exc)})"
        self._deliver(self._evidence_read, snapshot, ranking)

    def _deliver(self, callback, *args) -> None:
        """Hand a poll's result to the app, unless the app stopped meanwhile: the evidence
        reads can outlast a quit, and a closed loop must not be posted to."""
        if not self.is_running:
            return
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            if self.is_running:  # the callback's own error, not a loop that closed meanwhile
                raise

    def _evidence_read(self, snapshot: Any, ranking: list[Any]) -> None:
        if self.health.snapshot is snapshot:  # not a refresh that has been overtaken
            self.health.triage = ranking
            self.health_version += 1

    def _read_watch(self) -> Any:
        """The running experiments' watch (in the poll's worker); a failure is kept, shown
        as such in the header, and never stops the health refresh."""
        try:
            return self.services.watch()
        except Exception as exc:  # noqa: BLE001 - e.g. a broken manifest: said, not fatal
            return exc

    def _refreshed(self, snapshot: Any, ranking: list[Any]) -> None:
        self.health.accept(snapshot, ranking)
        self.health.refreshing = False
        self.health_version += 1
        self._arm_timer()
        if self.clock() - self._split_checked >= SPLIT_CHECK_SECONDS:
            self.look_for_split_sets()  # a set merged by hand elsewhere shows up in every header

    def _refresh_failed(self, error: BaseException | str) -> None:
        self.health.fail(error)
        self.health.refreshing = False
        self.health_version += 1
        self._arm_timer()

    def _arm_timer(self) -> None:
        if self.refresh_seconds and self.is_running:
            self._timer = self.set_timer(self.refresh_seconds, self._start_refresh)

