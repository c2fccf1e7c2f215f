"""The one factory for the Cloud Monitoring and Cloud Logging clients.

- Default: Application Default Credentials with READ-ONLY scopes (atlas never writes).
- `MONITORING_EMULATOR_HOST` / `LOGGING_EMULATOR_HOST` set: a transport on
  `grpc.insecure_channel(host)` and no credentials (a transport plus credentials is a
  ValueError in the client libraries; `api_endpoint` alone would mean TLS).
- Always an explicit, short retry and timeout: the libraries' default retry keeps trying a
  dead endpoint for ~90 s, whatever `timeout=` says.

Google libraries are imported here, inside the functions, never at module import time: the
TUI's first frame must not pay ~0.6 s for them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MONITORING_READ = "https://www.googleapis.com/auth/monitoring.read"
LOGGING_READ = "https://www.googleapis.com/auth/logging.read"
MONITORING_ENV = "MONITORING_EMULATOR_HOST"
# The default 4 MB receive cap is below one refresh of a 10,000-component catalog; the
# libraries' own channels lift it the same way.
_CHANNEL_OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
LOGGING_ENV = "LOGGING_EMULATOR_HOST"

DEFAULT_TIMEOUT = 5.0  # seconds, per call
DEFAULT_RETRY_DEADLINE = 2.0  # seconds spent retrying UNAVAILABLE before giving up


@dataclass(slots=True)
class Clients:
    """The two clients plus the retry/timeout every call must pass.

    A client that could not be built is None and `*_problem` says why in one line (e.g. no
    credentials); the service turns that into ERROR statuses, not an exception.
    """

    monitoring: Any = None  # monitoring_v3.MetricServiceClient
    logging: Any = None  # logging_v2 LoggingServiceV2Client (the low-level one)
    retry: Any = None  # google.api_core.retry.Retry
    timeout: float = DEFAULT_TIMEOUT
    monitoring_target: str = ""  # where calls go, for messages: "emulator 127.0.0.1:PORT"
    logging_target: str = ""
    monitoring_problem: str = ""
    logging_problem: str = ""
    _channels: list = field(default_factory=list)

    def close(self) -> None:
        """Close every channel: calls still in flight end at once (CANCELLED)."""
        for channel in self._channels:
            channel.close()
        self._channels.clear()
        for client in (self.monitoring, self.logging):
            transport = getattr(client, "transport", None)
            if transport is not None and hasattr(transport, "close"):
                transport.close()


def make_retry(deadline: float = DEFAULT_RETRY_DEADLINE):
    """Retry only UNAVAILABLE, briefly: enough for a blip, never a hang."""
    from google.api_core import exceptions, retry

    return retry.Retry(
        predicate=retry.if_exception_type(exceptions.ServiceUnavailable),
        initial=0.1,
        maximum=0.5,
        multiplier=2.0,
        timeout=deadline,
    )


def _credentials(scopes: list[str]):
    """ADC, or (None, readable reason)."""
    import google.auth
    from google.auth import exceptions

    try:
        creds, _project = google.auth.default(scopes=scopes)
        return creds, ""
    except exceptions.DefaultCredentialsError as exc:
        return None, (
            f"no Google credentials: Application Default Credentials {_adc_detail(exc)} "
            f"(run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a "
            f"service-account key file; for the emulators set {MONITORING_ENV} and {LOGGING_ENV})"
        )


def _adc_detail(exc: BaseException) -> str:
    """google-auth's message, made one short clause: its first sentence, never a repr of its
    args tuple (a malformed key file raises with (message, cause))."""
    args = [a for a in getattr(exc, "args", ()) if a]
    text = str(args[0]) if args and isinstance(args[0], str) else str(exc)
    cause = args[1] if len(args) > 1 and isinstance(args[1], BaseException) else None
    text = text.strip().splitlines()[0] if text.strip() else ""
    if text.startswith("Your default credentials were not found"):
        return "were not found"
    text = text.split(". ")[0].rstrip(".")
    if cause is not None and str(cause):
        text += f": {str(cause).strip().splitlines()[0].rstrip('.')}"
    return f"cannot be used ({text[:300]})" if text else "were not found"


def make_clients(
    env: Mapping[str, str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retry_deadline: float = DEFAULT_RETRY_DEADLINE,
    monitoring: bool = True,
    logging: bool = True,
) -> Clients:
    """Build the clients from the environment (`env` defaults to os.environ). Never raises
    for missing credentials: the problem is recorded on the returned Clients."""
    import grpc
    from google.cloud import monitoring_v3
    from google.cloud.logging_v2.services.logging_service_v2 import LoggingServiceV2Client
    from google.cloud.logging_v2.services.logging_service_v2.transports import LoggingServiceV2GrpcTransport
    from google.cloud.monitoring_v3.services.metric_service.transports import MetricServiceGrpcTransport

    env = os.environ if env is None else env
    out = Clients(retry=make_retry(retry_deadline), timeout=timeout)
    adc: dict[str, tuple[Any, str]] = {}

    def credentials(scope: str):
        if scope not in adc:
            adc[scope] = _credentials([scope])
        return adc[scope]

    # One recipe per API: an insecure loopback channel to the emulator when its variable is
    # set, else the real endpoint with Application Default Credentials and a read-only scope.
    apis = (
        ("monitoring", monitoring, MONITORING_ENV, MONITORING_READ, "monitoring.googleapis.com",
         monitoring_v3.MetricServiceClient, MetricServiceGrpcTransport),
        ("logging", logging, LOGGING_ENV, LOGGING_READ, "logging.googleapis.com",
         LoggingServiceV2Client, LoggingServiceV2GrpcTransport),
    )
    for api, wanted, env_name, scope, endpoint, client_cls, transport_cls in apis:
        if not wanted:
            continue
        host = env.get(env_name, "").strip()
        if host:
            channel = grpc.insecure_channel(host, options=_CHANNEL_OPTIONS)
            out._channels.append(channel)
            setattr(out, api, client_cls(transport=transport_cls(channel=channel)))
            setattr(out, f"{api}_target", f"emulator {host}")
            continue
        creds, problem = credentials(scope)
        setattr(out, f"{api}_target", endpoint)
        if creds is None:
            setattr(out, f"{api}_problem", problem)
        else:
            setattr(out, api, client_cls(credentials=creds))
    return out


def is_unreachable(exc: BaseException) -> bool:
    """True when the endpoint itself did not answer (UNAVAILABLE, after the retries)."""
    from google.api_core import exceptions

    if isinstance(exc, exceptions.RetryError) and exc.cause is not None and exc.cause is not exc:
        exc = exc.cause
    return isinstance(exc, (exceptions.ServiceUnavailable, exceptions.RetryError))


def describe_error(exc: BaseException, *, project: str = "", target: str = "", timeout: float | None = None) -> str:
    """One readable line for a failed call: what went wrong and where. Never a token: only
    the status class and the server's own first line of text are used."""
    from google.api_core import exceptions

    where = f" on {project}" if project else ""
    if isinstance(exc, exceptions.RetryError):
        cause = exc.cause
        if cause is not None and cause is not exc:
            return describe_error(cause, project=project, target=target, timeout=timeout)
        return f"gave up retrying{where} ({target or 'endpoint'} unreachable)"
    if isinstance(exc, exceptions.PermissionDenied):
        return f"permission denied{where}"
    if isinstance(exc, exceptions.Unauthenticated):
        return f"not authenticated{where} (credentials rejected or expired)"
    if isinstance(exc, exceptions.ResourceExhausted):
        return f"quota exhausted{where}"
    if isinstance(exc, exceptions.DeadlineExceeded):
        after = f" after {timeout:g} s" if timeout else ""
        return f"timed out{after}{where}"
    if isinstance(exc, exceptions.ServiceUnavailable):
        return f"service unavailable at {target or 'the endpoint'}"
    if isinstance(exc, exceptions.InvalidArgument):
        return f"query rejected{where}: {_first_line(getattr(exc, 'message', '') or str(exc))}"
    if isinstance(exc, exceptions.GoogleAPICallError):
        return f"{exc.__class__.__name__}{where}: {_first_line(getattr(exc, 'message', '') or str(exc))}"
    return f"{exc.__class__.__name__}{where}: {_first_line(str(exc))}"


def _first_line(text: str) -> str:
    text = (text or "").strip()
    return (text.splitlines()[0] if text else "no details")[:200]
