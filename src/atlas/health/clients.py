"""The one factory for the Cloud Monitoring and Cloud Logging clients.

- Default: Application Default Credentials with READ-ONLY scopes (atlas never writes).
- `MONITORING_EMULATOR_HOST` / `LOGGING_EMULATOR_HOST` set: a transport on
  `grpc.insecure_channel(host)` and no credentials (a transport plus credentials is a
  ValueError in the client libraries; `api_endpoint` alone would mean TLS).
- Always an explicit, short retry and timeout: the libraries' default retry keeps trying a
  dead endpoint for ~90 s, whatever `timeout=` says.
- Every call carries an atlas user agent (ClientInfo) and, when known, a quota project
  (`GOOGLE_CLOUD_QUOTA_PROJECT`, else the one ADC names: client_options.quota_project_id).
- A refused or expired credential (google-auth's RefreshError; through gRPC it surfaces as
  UNAVAILABLE "Getting metadata from plugin failed ... invalid_grant") is its own message,
  never "check the network".

Google libraries are imported here, inside the functions, never at module import time: the
TUI's first frame must not pay ~0.6 s for them.
"""

from __future__ import annotations

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

QUOTA_PROJECT_ENV = "GOOGLE_CLOUD_QUOTA_PROJECT"
CREDENTIALS_REFUSED = "credentials were refused: run `gcloud auth application-default login`"

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

    def transient(exc: BaseException) -> bool:  # a refused credential stays refused: no retry
        return isinstance(exc, exceptions.ServiceUnavailable) and not is_credentials_refused(exc)

    return retry.Retry(
        predicate=transient,
        initial=0.1,
        maximum=0.5,
        multiplier=2.0,
        timeout=deadline,
    )


def user_agent() -> str:
    from atlas import __version__

    return f"atlas/{__version__}"


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
    env: Mapping[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    retry_deadline: float = DEFAULT_RETRY_DEADLINE,
    monitoring: bool = True,
    logging: bool = True,
    credentials: Any = None,
) -> Clients:
    """Build the clients from `env` (the emulator hosts, the quota project): the caller's
    mapping, never os.environ (only atlas.services reads the process environment; Google's
    ADC lookup reads its own variables). Never raises for missing credentials: the problem
    is recorded on the returned Clients.

    `credentials`: use these instead of ADC. With an emulator they ride a loopback channel
    with local channel credentials, so they are refreshed and sent exactly as on the real
    endpoint (tests use this to see a refused credential)."""
    import grpc
    from google.api_core.gapic_v1.client_info import ClientInfo
    from google.api_core.client_options import ClientOptions
    from google.cloud import monitoring_v3
    from google.cloud.logging_v2.services.logging_service_v2 import LoggingServiceV2Client
    from google.cloud.logging_v2.services.logging_service_v2.transports import LoggingServiceV2GrpcTransport
    from google.cloud.monitoring_v3.services.metric_service.transports import MetricServiceGrpcTransport

    out = Clients(retry=make_retry(retry_deadline), timeout=timeout)
    adc: dict[str, tuple[Any, str]] = {}
    info = ClientInfo(user_agent=user_agent())

    def credentials_for(scope: str):
        if credentials is not None:
            return credentials, ""
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
            if credentials is not None:
                import google.auth.transport.requests
                from google.auth.transport.grpc import secure_authorized_channel

                channel = secure_authorized_channel(credentials, google.auth.transport.requests.Request(), host,
                                                    ssl_credentials=grpc.local_channel_credentials(),
                                                    options=_CHANNEL_OPTIONS)
            else:
                channel = grpc.insecure_channel(host, options=_CHANNEL_OPTIONS)
            out._channels.append(channel)
            setattr(out, api, client_cls(transport=transport_cls(channel=channel, client_info=info)))
            setattr(out, f"{api}_target", f"emulator {host}")
            continue
        creds, problem = credentials_for(scope)
        setattr(out, f"{api}_target", endpoint)
        if creds is None:
            setattr(out, f"{api}_problem", problem)
            continue
        quota_project = env.get(QUOTA_PROJECT_ENV, "").strip() or getattr(creds, "quota_project_id", None)
        options = ClientOptions(quota_project_id=quota_project) if quota_project else None
        if quota_project and hasattr(creds, "with_quota_project"):
            # the transport applies client_options' quota project only to credentials it loads
            # itself; ours are explicit, so they carry it (the x-goog-user-project header)
            creds = creds.with_quota_project(quota_project)
        setattr(out, api, client_cls(credentials=creds, client_info=info, client_options=options))
    return out


def is_credentials_refused(exc: BaseException) -> bool:
    """A credential the token endpoint refused or that expired (RefreshError), however it
    surfaced: directly, or through gRPC's metadata plugin as UNAVAILABLE."""
    from google.api_core import exceptions
    from google.auth import exceptions as auth_exceptions

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, auth_exceptions.RefreshError):
            return True
        text = str(getattr(exc, "message", "") or exc)
        if isinstance(exc, exceptions.Unauthenticated):
            return True
        if isinstance(exc, exceptions.ServiceUnavailable) and (
                "Getting metadata from plugin failed" in text or "invalid_grant" in text
                or "RefreshError" in text):
            return True
        exc = exc.cause if isinstance(exc, exceptions.RetryError) else exc.__cause__
        seen += 1
    return False


def is_unreachable(exc: BaseException) -> bool:
    """True when the endpoint itself did not answer (UNAVAILABLE, after the retries)."""
    from google.api_core import exceptions

    if is_credentials_refused(exc):
        return False
    if isinstance(exc, exceptions.RetryError) and exc.cause is not None and exc.cause is not exc:
        exc = exc.cause
    return isinstance(exc, (exceptions.ServiceUnavailable, exceptions.RetryError))


def refused_read(exc: BaseException, clients: Any, project: str) -> tuple[str, bool]:
    """One line for a failed read of `clients`, and whether every later read of the same
    round would fail the same way (a used-up quota, an endpoint that does not answer), so
    the caller says so on the rest instead of asking each in turn."""
    from google.api_core import exceptions

    line = describe_error(exc, project=project, target=getattr(clients, "logging_target", ""),
                          timeout=getattr(clients, "timeout", None))
    return line, isinstance(exc, exceptions.ResourceExhausted) or is_unreachable(exc)


def describe_error(exc: BaseException, *, project: str = "", target: str = "", timeout: float | None = None) -> str:
    """One readable line for a failed call: what went wrong and where. Never a token: only
    the status class and the server's own first line of text are used."""
    from google.api_core import exceptions

    where = f" on {project}" if project else ""
    if is_credentials_refused(exc):
        return CREDENTIALS_REFUSED
    if isinstance(exc, exceptions.RetryError):
        cause = exc.cause
        if cause is not None and cause is not exc:
            return describe_error(cause, project=project, target=target, timeout=timeout)
        return f"gave up retrying{where} ({target or 'endpoint'} unreachable)"
    if isinstance(exc, exceptions.PermissionDenied):
        return f"permission denied{where}"
    if isinstance(exc, exceptions.Unauthenticated):  # the endpoint refused the token itself
        return CREDENTIALS_REFUSED
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
