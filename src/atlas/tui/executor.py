"""The executor behind the app's thread workers: daemon threads that never hold up exit.

Textual runs `@work(thread=True)` workers on the event loop's default executor, and
`asyncio.run` waits for that executor's threads when the app ends: a health poll stuck in a
30 s Cloud Monitoring call (or a silent GitHub) would keep `q` from quitting for as long.
Workers here only read and post messages; anything they write is written atomically by the
core, so leaving one behind at exit loses nothing.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable


class DaemonExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor by type (asyncio accepts only those as the default executor)
    that runs each call on a fresh daemon thread instead of its pool."""

    def __init__(self, name: str = "atlas-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._closed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if self._closed:
            raise RuntimeError("cannot schedule new work after the app has ended")
        future: Future = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to whoever awaits the future
                future.set_exception(exc)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._closed = True  # running threads are left to finish, or to end with the process
