"""What the loopback HTTP emulators (Kubeflow Pipelines, Vertex AI) share: the server's
lifecycle (`LoopbackHttpServer`) and the faults they can be told to inject (`FaultPlan`: a
status code, a dropped connection or a slow answer, on every request or those whose path
matches, a number of times; each emulator names the kinds it supports)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Fault:
    kind: str
    path_regex: re.Pattern[str] | None
    times: int
    delay: float = 0.0
    fired: int = 0


class FaultPlan:
    def __init__(self, kinds: Iterable[str]) -> None:
        self.kinds = tuple(kinds)
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, kind: str | int, *, path_regex: str | None = None, times: int = 1, delay: float = 0.0) -> Fault:
        kind = str(kind)
        if kind not in self.kinds:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(self.kinds)}")
        fault = Fault(kind, re.compile(path_regex) if path_regex else None, max(1, times), delay)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, path: str) -> Fault | None:
        """The first fault still due for this path (counted as fired), or None."""
        with self._lock:
            for fault in self._faults:
                if fault.fired < fault.times and (fault.path_regex is None or fault.path_regex.search(path)):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


class LoopbackHandler(BaseHTTPRequestHandler):
    """A JSON request handler with the emulator's fault plan in front: each GET is recorded,
    then a due fault drops the connection, delays the answer, or answers with its status
    (the body from `fault_body`, in the real API's error shape); otherwise `answer` does."""

    emulator: object  # the emulator this handler serves (LoopbackHttpServer.start sets it)
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # http.server otherwise answers in ~40 ms (Nagle + delayed ACK)
    content_type = "application/json"

    def log_message(self, *args) -> None:  # quiet: tests and the TUI share the terminal
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        emulator = self.emulator
        with emulator._lock:
            emulator.requests.append(f"GET {self.path}")
        fault = emulator.faults.take(urlsplit(self.path).path)
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if fault.kind == "slow":
                time.sleep(fault.delay)
            else:
                status = int(fault.kind)
                return self.send_json(status, self.fault_body(status))
        self.answer()

    def answer(self) -> None:
        raise NotImplementedError

    def fault_body(self, status: int) -> dict:
        raise NotImplementedError

    def send_json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        for name, value in self.extra_headers(status):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def extra_headers(self, status: int) -> list[tuple[str, str]]:
        return []


class LoopbackHttpServer:
    """Start, stop and name the endpoint of one emulator's ThreadingHTTPServer. A subclass
    sets `_host`, `_port` and `_server = None` in its constructor, and `HANDLER`: the request
    handler class, which reaches the emulator as `self.emulator`."""

    HANDLER: type[BaseHTTPRequestHandler]
    _host: str
    _port: int
    _server: ThreadingHTTPServer | None

    def start(self) -> str:
        """Listen and return the endpoint, "http://127.0.0.1:PORT"."""
        if self._server is None:
            handler = type(f"{type(self).__name__}Handler", (self.HANDLER,), {"emulator": self})
            try:
                self._server = ThreadingHTTPServer((self._host, self._port), handler)
            except OSError as exc:
                raise OSError(f"cannot listen on {self._host}:{self._port} ({exc.strerror or exc})") from None
            self._server.daemon_threads = True
            threading.Thread(target=self._server.serve_forever, name=type(self).__name__, daemon=True).start()
        return self.endpoint

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "not started"
        return f"http://{self._host}:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
