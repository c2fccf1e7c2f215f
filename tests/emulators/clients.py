"""The real client libraries pointed at our emulators over loopback, set up the way tests want.

PyGithub without its politeness delays or retries, Google's gRPC clients on a plain loopback
channel, and a retry that gives up at once so an injected fault shows as the error itself.
"""

from __future__ import annotations

from pathlib import Path

import grpc
from google.api_core.retry import Retry
from google.cloud import monitoring_v3
from google.cloud.logging_v2.services.logging_service_v2 import LoggingServiceV2Client
from google.cloud.logging_v2.services.logging_service_v2.transports import LoggingServiceV2GrpcTransport
from google.cloud.monitoring_v3.services.metric_service.transports import MetricServiceGrpcTransport
from github import Auth, Github

REPOS = Path(__file__).resolve().parents[2] / "scenarios" / "repos"
GITHUB_TOKEN = "ghp_emulatorTestTokenNeverShown0001"
NO_RETRY = Retry(initial=0.01, maximum=0.01, timeout=0.5, predicate=lambda exc: False)


def github_client(base_url: str, token: str = GITHUB_TOKEN, **options) -> Github:
    """PyGithub with no delay between calls and no retries, unless `options` say otherwise."""
    settings = {"seconds_between_requests": 0, "seconds_between_writes": 0, "retry": None, **options}
    return Github(auth=Auth.Token(token), base_url=base_url, **settings)


def metric_client(address: str) -> monitoring_v3.MetricServiceClient:
    """Cloud Monitoring's client on its own loopback channel (default options: 4 MB answers)."""
    return monitoring_v3.MetricServiceClient(transport=MetricServiceGrpcTransport(channel=grpc.insecure_channel(address)))


def logging_client(address: str) -> LoggingServiceV2Client:
    """Cloud Logging's low-level client on its own loopback channel."""
    return LoggingServiceV2Client(transport=LoggingServiceV2GrpcTransport(channel=grpc.insecure_channel(address)))
